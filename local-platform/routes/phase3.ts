import { z } from 'zod';
import type { PlatformContext } from '../context';
import { dateRange } from '../dates';
import { injectServiceFaults } from './service-faults';
import { badRequest, json, parseBody, type Route } from '../http';
import { executeRun } from '../runs';
import { background } from '../timers';
import { dateField, idempotencyKey, optionalFlag, optionalText, processorsByClassName } from './common';

const MAX_RANGE_DAYS = 31;

/**
 * `POST {analyticsUrl}/process-date-range`: the analytics service's manual run. Answers 200 started; each named
 * processor then runs for each date and publishes its completion (game_date = the range's end date), unless
 * skip_downstream_trigger is set, which defaults to backfill_mode (then nothing is published: failure mode 6).
 */
export function phase3Routes(ctx: PlatformContext, prefix: string): Route[] {
  const keywords = ['TODAY', 'YESTERDAY', 'TOMORROW'] as const;
  const schema = z.object({
    start_date: dateField(keywords, ctx.now),
    end_date: dateField(keywords, ctx.now),
    processors: z.array(z.string().min(1)).optional(),
    backfill_mode: optionalFlag,
    skip_downstream_trigger: z.boolean().optional(),
    correlation_id: optionalText,
    trigger_source: optionalText,
  });
  return [
    {
      method: 'POST',
      path: `${prefix}/process-date-range`,
      handler: async (call) => {
        const body = parseBody(schema, call.body);
        if (body.end_date < body.start_date) {
          throw badRequest(`end_date ${body.end_date} is before start_date ${body.start_date}`);
        }
        const dates = dateRange(body.start_date, body.end_date);
        if (dates.length > MAX_RANGE_DAYS)
          throw badRequest(`date range spans ${dates.length} days; at most ${MAX_RANGE_DAYS} per call`);
        const specs = processorsByClassName(body.processors, ctx.config.processors[3]);
        injectServiceFaults(ctx, 'nba-phase3-analytics-processors', specs);
        return ctx.idempotency.run('phase3.process-date-range', idempotencyKey(call), call.body, async () => {
          const scenario = ctx.scenario();
          const suppressPublish = body.skip_downstream_trigger ?? body.backfill_mode;
          for (const gameDate of dates) ctx.simulateDay(gameDate);
          background(
            () =>
              Promise.all(
                dates.flatMap((gameDate) =>
                  specs.map((spec) =>
                    // The routes pass no correlation_id or trigger_source to the processors (they publish "manual").
                    executeRun(ctx, {
                      phase: 3,
                      spec,
                      gameDate,
                      cause: `http ${body.trigger_source ?? 'manual'}`,
                      suppressPublish,
                      scenario,
                      publishedDate: body.end_date,
                    }),
                  ),
                ),
              ),
            ctx.log,
          );
          return json(200, {
            status: 'started',
            start_date: body.start_date,
            end_date: body.end_date,
            dates,
            processors: specs.map((p) => p.className),
            backfill_mode: body.backfill_mode,
            skip_downstream_trigger: suppressPublish,
          });
        });
      },
    },
  ];
}
