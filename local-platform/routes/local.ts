import { isValidGameDate } from '../../domain/dates';
import type { PlatformContext } from '../context';
import { badRequest, json, type Route } from '../http';
import type { Scenario } from '../scenario';
import { SCENARIOS } from '../scenarios';

/**
 * Local-only routes: `GET /_local/events[?since=SEQ]` (every call and publish, for tests and the demo),
 * `GET /_local/scenario`, `POST /_local/scenario {name} | {scenario}` (switch while running),
 * `POST /_local/days {game_date}` (start the platform's own day for a date), `GET /_local/clock` and `GET /healthz`.
 */
export function localRoutes(ctx: PlatformContext, setScenario: (s: Scenario) => void): Route[] {
  return [
    {
      method: 'GET',
      path: '/_local/events',
      handler: (call) => {
        const since = Number(call.query.get('since') ?? 0);
        if (!Number.isInteger(since) || since < 0) throw badRequest('since must be a non-negative integer');
        return json(200, ctx.events.list(since));
      },
    },
    { method: 'GET', path: '/_local/scenario', handler: () => json(200, ctx.scenario()) },
    {
      method: 'POST',
      path: '/_local/scenario',
      handler: (call) => {
        const body = call.body as { name?: unknown; scenario?: unknown } | undefined;
        let next: unknown;
        if (body && typeof body.name === 'string' && body.scenario === undefined) {
          next = SCENARIOS[body.name];
          if (!next)
            throw badRequest(
              `unknown scenario ${JSON.stringify(body.name)}: expected one of ${Object.keys(SCENARIOS).join(', ')}`,
            );
        } else if (body && typeof body.scenario === 'object') {
          next = body.scenario;
        } else {
          throw badRequest('expected {"name": "<scenario>"} or {"scenario": {...}}');
        }
        try {
          setScenario(next as Scenario);
        } catch (err) {
          throw badRequest((err as Error).message);
        }
        return json(200, ctx.scenario());
      },
    },
    {
      method: 'POST',
      path: '/_local/days',
      handler: (call) => {
        const date = (call.body as { game_date?: unknown } | undefined)?.game_date;
        if (!isValidGameDate(date)) throw badRequest('expected {"game_date": "YYYY-MM-DD"}');
        ctx.simulateDay(date);
        return json(202, { status: 'simulating', game_date: date, now: ctx.now().toISOString() });
      },
    },
    { method: 'GET', path: '/_local/clock', handler: () => json(200, { now: ctx.now().toISOString() }) },
    { method: 'GET', path: '/healthz', handler: () => json(200, { status: 'ok', scenario: ctx.scenario().name }) },
  ];
}
