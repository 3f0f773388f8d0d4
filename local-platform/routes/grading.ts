import { z } from 'zod';
import { isValidGameDate, addDays } from '../../domain/dates';
import { pythonTimestamp } from '../completion';
import type { PlatformContext } from '../context';
import type { GradingEvent } from '../events';
import { badRequest, json, parseBody, type Route } from '../http';
import { pyFloat } from '../python-json';
import { gamesFor } from '../schedule';
import { executeRun } from '../runs';
import { background } from '../timers';
import { decodeTriggerEnvelope, envelopeSchema } from './trigger-envelope';

const triggerSchema = z.object({
  target_date: z.string().optional(),
  run_aggregation: z.boolean().optional(),
  correlation_id: z.string().optional(),
  trigger_source: z.string().optional(),
});

const GRADING_TIME_MS = 5 * 60_000;

/**
 * `POST {gradingPushUrl}`: the `phase5b-grading` function's push endpoint (topic `nba-grading-trigger`). Grades the
 * date's predictions and publishes its result on `nba-grading-complete`: success; skipped when there is nothing to
 * grade; auto_heal_pending when the scenario's `missingActualsRuns` says the actual results are missing (the function
 * then re-runs player_game_summary itself). `target_date` words resolve in UTC, as the real function does.
 */
export function gradingRoutes(ctx: PlatformContext, path: string): Route[] {
  const seen = new Set<string>();
  const gradingsByDate = new Map<string, number>();
  return [
    {
      method: 'POST',
      path,
      handler: (call) => {
        const envelope = parseBody(envelopeSchema, call.body);
        const trigger = parseBody(triggerSchema, decodeTriggerEnvelope(envelope));
        const utcToday = ctx.now().toISOString().slice(0, 10);
        const raw = trigger.target_date ?? 'yesterday';
        const targetDate =
          raw === 'today'
            ? utcToday
            : raw === 'yesterday'
              ? addDays(utcToday, -1)
              : isValidGameDate(raw)
                ? raw
                : undefined;
        if (!targetDate) throw badRequest(`target_date ${JSON.stringify(raw)} is not a date`);
        const messageId = envelope.message.messageId ?? envelope.message.message_id ?? '';
        const duplicate = messageId !== '' && seen.has(messageId);
        if (messageId) seen.add(messageId);
        ctx.events.add<GradingEvent>({
          type: 'grading',
          messageId,
          targetDate,
          duplicate,
          idempotencyKey: envelope.message.attributes?.idempotency_key,
        });
        if (duplicate) return json(204, undefined);
        const correlationId = trigger.correlation_id ?? 'scheduled';
        const attempt = (gradingsByDate.get(targetDate) ?? 0) + 1;
        gradingsByDate.set(targetDate, attempt);
        background(async () => {
          await ctx.timers.sleepDay(GRADING_TIME_MS);
          const scenario = ctx.scenario();
          const predicted = ctx.batches.predictedPlayers(targetDate);
          const games = gamesFor(targetDate, scenario, ctx.now());
          const healing = predicted > 0 && attempt <= (scenario.grading?.missingActualsRuns ?? 0);
          if (healing) rerunPlayerSummary(ctx, targetDate);
          const status =
            scenario.grading?.status ?? (healing ? 'auto_heal_pending' : predicted > 0 ? 'success' : 'skipped');
          ctx.publisher.publish(ctx.config.topics.gradingComplete, {
            processor_name: 'Phase5BGrading',
            phase: 'phase_5b_grading',
            correlation_id: correlationId,
            timestamp: pythonTimestamp(ctx.now()),
            target_date: targetDate,
            status,
            duration_seconds: pyFloat(GRADING_TIME_MS / 1000),
            predictions_found: predicted,
            graded_count: status === 'success' ? predicted : 0,
            mae: pyFloat(4.87),
            bias: pyFloat(-0.31),
            recommendation_accuracy: pyFloat(54.2),
            auto_heal_attempted: healing,
            auto_heal_retries: healing ? 0 : null,
            auto_heal_error: null,
            auto_heal_status_code: null,
            validation_passed: games.every((g) => g.game_status === 3),
            validation_issues: [],
            aggregation_status: 'success',
            trigger_source: trigger.trigger_source ?? 'unknown',
          });
          ctx.log(`grading: ${targetDate} ${status} (${predicted} predictions)`);
        }, ctx.log);
        return json(204, undefined);
      },
    },
  ];
}

/** The grading function's auto-heal: phase 3's player_game_summary for the date, run again (it publishes as usual). */
function rerunPlayerSummary(ctx: PlatformContext, gameDate: string): void {
  const spec = ctx.config.processors[3].find((p) => p.name === 'player_game_summary');
  if (!spec) return;
  const scenario = ctx.scenario();
  background(
    () => executeRun(ctx, { phase: 3, spec, gameDate, cause: 'grading auto-heal', suppressPublish: false, scenario }),
    ctx.log,
  );
}
