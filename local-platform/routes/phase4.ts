import { z } from 'zod';
import type { PlatformContext } from '../context';
import { injectServiceFaults } from './service-faults';
import { json, parseBody, type Route } from '../http';
import { executeRun } from '../runs';
import { processorScenario } from '../scenario';
import { dateField, idempotencyKey, optionalFlag, optionalText, processorsByClassName } from './common';

export interface Phase4Result {
  processor: string;
  status: 'success' | 'failed' | 'no_data' | 'partial' | 'skipped';
  stats: { record_count: number; duration_seconds: number; execution_id: string; published: boolean };
  error?: string;
}

/**
 * `POST {precomputeUrl}/process-date`: runs the named precompute processors in order (empty = all five)
 * and ALWAYS answers 200 `{"status":"completed","results":[...]}`, even when a processor failed: the
 * caller must check each result. Each successful processor publishes its completion (not in backfill_mode).
 * A `never` processor hangs the call, which ends in 504 after config.platform.requestTimeoutSeconds.
 */
export function phase4Routes(ctx: PlatformContext, prefix: string): Route[] {
  const schema = z.object({
    analysis_date: dateField(['TODAY', 'TOMORROW', 'AUTO'], ctx.now),
    processors: z.array(z.string().min(1)).optional(),
    backfill_mode: optionalFlag,
    skip_downstream_trigger: optionalFlag,
    strict_mode: z.boolean().optional(),
    skip_dependency_check: z.boolean().optional(),
    correlation_id: optionalText,
    trigger_source: optionalText,
  });
  return [
    {
      method: 'POST',
      path: `${prefix}/process-date`,
      handler: async (call) => {
        const body = parseBody(schema, call.body);
        const specs = processorsByClassName(body.processors, ctx.config.processors[4]);
        injectServiceFaults(ctx, 'nba-phase4-precompute-processors', specs);
        return ctx.idempotency.run('phase4.process-date', idempotencyKey(call), call.body, async () => {
          const scenario = ctx.scenario();
          const results: Phase4Result[] = [];
          ctx.simulateDay(body.analysis_date);
          for (const spec of specs) {
            const resultFailed = ctx.faults.hit(
              `result:${spec.name}`,
              processorScenario(scenario, spec.name).resultFailedTimes,
            );
            const run = await executeRun(ctx, {
              phase: 4,
              spec,
              gameDate: body.analysis_date,
              correlationId: body.correlation_id,
              triggerSource: body.trigger_source ?? 'manual',
              cause: `http ${body.trigger_source ?? 'manual'}`,
              // backfill_mode alone does NOT silence phase 4 (failure mode 6): only skip_downstream_trigger does.
              suppressPublish: body.skip_downstream_trigger,
              resultFailed,
              scenario,
            });
            if (run.outcome === 'never') {
              const hangMs = ctx.config.platform.requestTimeoutSeconds * 1000;
              await ctx.timers.sleep(hangMs, call.signal);
              return json(
                504,
                {
                  status: 'error',
                  message: `upstream request timeout: ${spec.className} did not finish within ${hangMs} ms`,
                },
                { injected: 'never' },
              );
            }
            results.push({
              processor: spec.className,
              status: run.status ?? 'failed',
              stats: {
                record_count: run.recordCount,
                duration_seconds: run.durationMs / 1000,
                execution_id: run.executionId,
                published: run.outcome === 'published',
              },
              ...(run.errorMessage ? { error: run.errorMessage } : {}),
            });
          }
          return json(200, {
            status: 'completed',
            analysis_date: body.analysis_date,
            correlation_id: body.correlation_id ?? null,
            results,
          });
        });
      },
    },
  ];
}
