import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { PlatformContext } from '../context';
import { dateRange } from '../dates';
import { injectServiceFaults } from '../faults';
import { badRequest, json, parseBody, type Route } from '../http';
import { executeRun } from '../runs';
import { background } from '../timers';
import { dateField, idempotencyKey, optionalFlag, optionalText, processorsByClassName } from './common';

const MAX_RANGE_DAYS = 31;

/**
 * `POST {analyticsUrl}/process-date-range`: the analytics service's manual run. Answers 200 started;
 * each named processor then runs for each date and publishes its completion, unless backfill_mode or
 * skip_downstream_trigger is set (then nothing is published: failure mode 6) or the scenario says otherwise.
 */
export function phase3Routes(ctx: PlatformContext, prefix: string): Route[] {
  const keywords = ['TODAY', 'YESTERDAY', 'TOMORROW'] as const;
  const schema = z.object({
    start_date: dateField(keywords, ctx.now),
    end_date: dateField(keywords, ctx.now),
    processors: z.array(z.string().min(1)).optional(),
    backfill_mode: optionalFlag,
    skip_downstream_trigger: optionalFlag,
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
          const correlationId = body.correlation_id ?? randomUUID();
          const suppressPublish = body.backfill_mode || body.skip_downstream_trigger;
          background(
            () =>
              Promise.all(
                dates.flatMap((gameDate) =>
                  specs.map((spec) =>
                    executeRun(ctx, {
                      phase: 3,
                      spec,
                      gameDate,
                      correlationId,
                      triggerSource: body.trigger_source ?? 'manual',
                      suppressPublish,
                      scenario,
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
            skip_downstream_trigger: body.skip_downstream_trigger,
            correlation_id: correlationId,
          });
        });
      },
    },
  ];
}
