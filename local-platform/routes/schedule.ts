import type { PlatformContext } from '../context';
import { resolvePlatformDate } from '../dates';
import { badRequest, json, type Route } from '../http';
import { gamesFor } from '../schedule';

/** `GET {scheduleUrl}/schedule?game_date=YYYY-MM-DD`: the day's games with their status now (nbac_schedule, deduplicated). */
export function scheduleRoutes(ctx: PlatformContext, prefix: string): Route[] {
  return [
    {
      method: 'GET',
      path: `${prefix}/schedule`,
      handler: (call) => {
        const raw = call.query.get('game_date');
        if (raw === null || raw === '') throw badRequest('game_date query parameter is required (YYYY-MM-DD)');
        const resolved = resolvePlatformDate(raw, ['TODAY', 'YESTERDAY', 'TOMORROW'], ctx.now());
        if (!resolved.ok) throw badRequest(`game_date: ${resolved.error}`);
        ctx.simulateDay(resolved.date);
        const games = gamesFor(resolved.date, ctx.scenario(), ctx.now()).map(
          ({ tipOffMs: _t, finalMs: _f, ...game }) => game,
        );
        return json(200, { game_date: resolved.date, games });
      },
    },
  ];
}
