import { z } from 'zod';
import { isValidGameDate } from '../../domain/dates';
import type { ProcessorSpec } from '../../domain/processors';
import type { PlatformContext } from '../context';
import { injectServiceFaults } from './service-faults';
import { badRequest, json, parseBody, type Answer, type Route } from '../http';
import { executeRun } from '../runs';
import { processorScenario } from '../scenario';
import { dateField, idempotencyKey, optionalFlag, optionalText, processorsByClassName } from './common';
import { decodeTriggerEnvelope, envelopeSchema } from './trigger-envelope';

export interface Phase4Result {
  processor: string;
  status: 'success' | 'failed' | 'no_data' | 'partial' | 'skipped';
  stats: { record_count: number; duration_seconds: number; execution_id: string; published: boolean };
  error?: string;
}

/**
 * The processors a legacy 3 -> 4 trigger message (`nba-phase4-trigger`) runs: daily cache, team defense zone and shot
 * zone, each for the source tables it depends on (PLATFORM.md); composite factors and the feature store come from
 * `/process-date` runs.
 */
const RUN_BY_TRIGGER_MESSAGE = ['team_defense_zone_analysis', 'player_shot_zone_analysis', 'player_daily_cache'];

/**
 * The precompute service (`nba-phase4-precompute-processors`):
 * - `POST {precomputeUrl}/process-date`: runs the named precompute processors in order (empty = all five) and ALWAYS
 *   answers 200 `{"status":"completed","results":[...]}`, even when a processor failed: the caller must check each
 *   result. Each successful processor publishes its completion (not in backfill_mode). A `never` processor hangs the
 *   call, which ends in 504 after config.platform.requestTimeoutSeconds.
 * - `POST {precomputeUrl}/process`: the push endpoint of the legacy 3 -> 4 trigger topic, one message per source
 *   table (`{source_table, game_date|analysis_date}`). A message without one `source_table` (a combined trigger
 *   listing several tables) is rejected with 400, as the real service answers it (failure mode 4); a table no
 *   processor depends on is acknowledged with `no_processors`; when every processor failed it answers 500 so Pub/Sub
 *   redelivers.
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
          const ran = await runPrecompute(ctx, specs, {
            gameDate: body.analysis_date,
            correlationId: body.correlation_id,
            triggerSource: body.trigger_source ?? 'manual',
            cause: `http ${body.trigger_source ?? 'manual'}`,
            // backfill_mode alone does NOT silence phase 4 (failure mode 6): only skip_downstream_trigger does.
            suppressPublish: body.skip_downstream_trigger,
            signal: call.signal,
          });
          if ('hung' in ran) return ran.hung;
          return json(200, {
            status: 'completed',
            analysis_date: body.analysis_date,
            correlation_id: body.correlation_id ?? null,
            results: ran.results,
          });
        });
      },
    },
    {
      method: 'POST',
      path: `${prefix}/process`,
      handler: async (call) => {
        const envelope = parseBody(envelopeSchema, call.body);
        const message = decodeTriggerEnvelope(envelope);
        if (typeof message !== 'object' || message === null || Array.isArray(message)) {
          throw badRequest('message.data: must be a JSON object');
        }
        const trigger = message as Record<string, unknown>;
        if (trigger.success === false) {
          return json(200, { status: 'skipped', reason: 'Phase 3 processing failed' });
        }
        const sourceTable = trigger.source_table;
        if (typeof sourceTable !== 'string' || sourceTable === '') {
          const listed = [trigger.source_table, trigger.source_tables, trigger.tables].find(Array.isArray);
          throw badRequest(
            listed
              ? `Missing source_table in message: a combined trigger naming ${JSON.stringify(listed)}; phase 4 takes one message per source table`
              : 'Missing source_table in message',
          );
        }
        const gameDate = trigger.analysis_date ?? trigger.game_date;
        if (!isValidGameDate(gameDate)) {
          throw badRequest(`analysis_date/game_date ${JSON.stringify(gameDate)} is not a YYYY-MM-DD date`);
        }
        const specs = ctx.config.processors[4].filter(
          (p) => RUN_BY_TRIGGER_MESSAGE.includes(p.name) && p.dependsOn?.includes(sourceTable),
        );
        if (!specs.length) return json(200, { status: 'no_processors', source_table: sourceTable });
        injectServiceFaults(ctx, 'nba-phase4-precompute-processors', specs);
        const triggeredBy = typeof trigger.triggered_by === 'string' ? trigger.triggered_by : 'pubsub';
        const ran = await runPrecompute(ctx, specs, {
          gameDate,
          correlationId: typeof trigger.correlation_id === 'string' ? trigger.correlation_id : undefined,
          triggerSource: triggeredBy,
          cause: `pubsub ${sourceTable}`,
          suppressPublish: false,
          signal: call.signal,
        });
        if ('hung' in ran) return ran.hung;
        const failed = ran.results.filter((r) => r.status === 'failed');
        const status = !failed.length
          ? 'completed'
          : failed.length === ran.results.length
            ? 'failed'
            : 'partial_failure';
        return json(status === 'failed' ? 500 : 200, {
          status,
          source_table: sourceTable,
          analysis_date: gameDate,
          results: ran.results,
        });
      },
    },
  ];
}

/** Runs the processors in order; a `never` one hangs the call until the platform's request timeout (504). */
async function runPrecompute(
  ctx: PlatformContext,
  specs: readonly ProcessorSpec[],
  run: {
    gameDate: string;
    correlationId?: string;
    triggerSource: string;
    cause: string;
    suppressPublish: boolean;
    signal: AbortSignal;
  },
): Promise<{ results: Phase4Result[] } | { hung: Answer }> {
  const scenario = ctx.scenario();
  const results: Phase4Result[] = [];
  ctx.simulateDay(run.gameDate);
  for (const spec of specs) {
    const resultFailed = ctx.faults.hit(
      `result:${spec.name}`,
      processorScenario(scenario, spec.name).resultFailedTimes,
    );
    const outcome = await executeRun(ctx, {
      phase: 4,
      spec,
      gameDate: run.gameDate,
      correlationId: run.correlationId,
      triggerSource: run.triggerSource,
      cause: run.cause,
      suppressPublish: run.suppressPublish,
      resultFailed,
      scenario,
    });
    if (outcome.outcome === 'never') {
      const hangMs = ctx.config.platform.requestTimeoutSeconds * 1000;
      await ctx.timers.sleep(hangMs, run.signal);
      return {
        hung: json(
          504,
          {
            status: 'error',
            message: `upstream request timeout: ${spec.className} did not finish within ${hangMs} ms`,
          },
          { injected: 'never' },
        ),
      };
    }
    results.push({
      processor: spec.className,
      status: outcome.status ?? 'failed',
      stats: {
        record_count: outcome.recordCount,
        duration_seconds: outcome.durationMs / 1000,
        execution_id: outcome.executionId,
        published: outcome.outcome === 'published',
      },
      ...(outcome.errorMessage ? { error: outcome.errorMessage } : {}),
    });
  }
  return { results };
}
