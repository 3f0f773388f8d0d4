import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { PlatformContext } from '../context';
import { injectServiceFaults } from '../faults';
import { json, parseBody, type Route } from '../http';
import { executeRun } from '../runs';
import { background } from '../timers';
import { dateField, idempotencyKey, optionalFlag, optionalText } from './common';

/**
 * `POST {scheduleUrl}/scrapers/run {game_date}`: stands in for the hourly scraper controller and the
 * raw processors. Answers 202, then every phase-1 scraper publishes its completion, then (once all
 * scrapers are done) every phase-2 raw processor does.
 */
export function scraperRoutes(ctx: PlatformContext, prefix: string): Route[] {
  const schema = z.object({
    game_date: dateField(['TODAY', 'YESTERDAY', 'TOMORROW'], ctx.now),
    correlation_id: optionalText,
    trigger_source: optionalText,
    backfill_mode: optionalFlag,
    skip_downstream_trigger: optionalFlag,
  });
  return [
    {
      method: 'POST',
      path: `${prefix}/scrapers/run`,
      handler: async (call) => {
        const body = parseBody(schema, call.body);
        const scrapers = ctx.config.processors[1];
        const raw = ctx.config.processors[2];
        injectServiceFaults(ctx, 'nba-scrapers', [...scrapers, ...raw]);
        return ctx.idempotency.run('scrapers.run', idempotencyKey(call), call.body, async () => {
          const scenario = ctx.scenario();
          const correlationId = body.correlation_id ?? randomUUID();
          const common = {
            gameDate: body.game_date,
            correlationId,
            suppressPublish: body.backfill_mode || body.skip_downstream_trigger,
            scenario,
          };
          background(async () => {
            await Promise.all(
              scrapers.map((spec) =>
                executeRun(ctx, { ...common, phase: 1, spec, triggerSource: body.trigger_source ?? 'scheduler' }),
              ),
            );
            await Promise.all(
              raw.map((spec) => executeRun(ctx, { ...common, phase: 2, spec, triggerSource: 'pubsub' })),
            );
          }, ctx.log);
          return json(202, {
            status: 'accepted',
            game_date: body.game_date,
            correlation_id: correlationId,
            scrapers: scrapers.map((p) => p.className),
            raw_processors: raw.map((p) => p.className),
          });
        });
      },
    },
  ];
}
