import { z } from 'zod';
import type { Batch } from '../batches';
import type { PlatformContext } from '../context';
import { injectServiceFaults } from '../faults';
import { badRequest, HttpError, json, parseBody, type Answer, type Route } from '../http';
import { gameCount } from '../schedule';
import { dateField, idempotencyKey, optionalFlag, optionalText } from './common';

/**
 * The prediction coordinator: `POST {coordinatorUrl}/start` and `GET {coordinatorUrl}/status`.
 * /start answers, in this order: 200 no_games_scheduled; 409 already_running / already_exists (unless
 * force); 503 DATA_INCOMPLETE (scenario, unless skip_completeness_check); 404 no players (scenario);
 * 202 started. A batch advances with time and, when complete, publishes the phase-5 completion.
 */
export function coordinatorRoutes(ctx: PlatformContext, prefix: string): Route[] {
  const schema = z.object({
    game_date: dateField(['TODAY', 'TOMORROW'], ctx.now),
    correlation_id: optionalText,
    force: optionalFlag,
    prediction_run_mode: optionalText,
    skip_completeness_check: optionalFlag,
    trigger_source: optionalText,
  });
  /** Dates whose first /start already met the scenario's pre-existing batch. */
  const preexistingShown = new Set<string>();
  const coordinatorSpec = ctx.config.processors[5][0];

  const describe = (batch: Batch): Record<string, unknown> => {
    const progress = ctx.batches.progress(batch);
    return {
      status: batch.state === 'complete' ? 'complete' : 'in_progress',
      batch_id: batch.batchId,
      game_date: batch.gameDate,
      correlation_id: batch.correlationId,
      ...progress,
      is_stalled: false,
      progress: {
        expected: progress.expected_players,
        completed: progress.completed_players,
        failed: 0,
        remaining: progress.expected_players - progress.completed_players,
        completion_pct: progress.completion_pct,
      },
    };
  };

  const start = (body: z.infer<typeof schema>): Answer => {
    const scenario = ctx.scenario();
    const coordinator = scenario.coordinator ?? {};
    const games = gameCount(body.game_date, scenario);
    if (games === 0) {
      return json(200, {
        status: 'no_games_scheduled',
        game_date: body.game_date,
        message: `No games scheduled for ${body.game_date}`,
      });
    }
    if (!body.force) {
      if (
        coordinator.alreadyRunning &&
        !preexistingShown.has(body.game_date) &&
        !ctx.batches.runningFor(body.game_date)
      ) {
        preexistingShown.add(body.game_date);
        ctx.batches.start({ gameDate: body.game_date, games, triggerSource: 'scheduler', scenario });
      }
      const running = ctx.batches.runningFor(body.game_date);
      if (running) {
        return json(409, {
          status: 'already_running',
          batch_id: running.batchId,
          game_date: body.game_date,
          progress: describe(running).progress,
        });
      }
      const done = ctx.batches.completedFor(body.game_date);
      if (done) {
        return json(409, {
          status: 'already_exists',
          batch_id: done.batchId,
          game_date: body.game_date,
          message: `Batch ${done.batchId} already completed for ${body.game_date}; pass force to re-run`,
        });
      }
    }
    if (!body.skip_completeness_check && ctx.faults.hit('coordinator:503', coordinator.start503Times)) {
      throw new HttpError(
        503,
        {
          status: 'error',
          error: 'DATA_INCOMPLETE',
          message: `Phase 4 data incomplete for ${body.game_date} (scenario start503Times)`,
          game_date: body.game_date,
          retry_after_seconds: 60,
        },
        'start503',
      );
    }
    if (ctx.faults.hit('coordinator:404', coordinator.start404)) {
      throw new HttpError(404, { status: 'error', message: `No players found for ${body.game_date}` }, 'start404');
    }
    if (body.force) {
      const running = ctx.batches.runningFor(body.game_date);
      if (running) ctx.batches.supersede(running);
    }
    const batch = ctx.batches.start({
      gameDate: body.game_date,
      games,
      correlationId: body.correlation_id,
      triggerSource: body.trigger_source ?? 'api',
      scenario,
    });
    return json(202, {
      status: 'started',
      batch_id: batch.batchId,
      game_date: batch.gameDate,
      total_requests: batch.expectedPlayers,
      published: batch.expectedPlayers,
      correlation_id: batch.correlationId,
      prediction_run_mode: body.prediction_run_mode ?? null,
      monitor_url: `/status?batch_id=${batch.batchId}`,
    });
  };

  return [
    {
      method: 'POST',
      path: `${prefix}/start`,
      handler: async (call) => {
        const raw = call.body === undefined ? {} : call.body;
        if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
          throw badRequest('request body must be a JSON object');
        const body = parseBody(schema, { game_date: 'TODAY', ...(raw as object) });
        injectServiceFaults(ctx, 'prediction-coordinator', [coordinatorSpec]);
        return ctx.idempotency.run('coordinator.start', idempotencyKey(call), raw, async () => start(body));
      },
    },
    {
      method: 'GET',
      path: `${prefix}/status`,
      handler: (call) => {
        const batchId = call.query.get('batch_id');
        if (batchId) {
          const batch = ctx.batches.get(batchId);
          if (!batch || batch.state === 'superseded') {
            return json(404, {
              status: 'not_found',
              batch_id: batchId,
              message: `Batch ${batchId} not found`,
              current_batch: ctx.batches.active()?.batchId ?? null,
            });
          }
          return json(200, describe(batch));
        }
        const active = ctx.batches.active();
        return active ? json(200, describe(active)) : json(200, { status: 'no_active_batch', current_batch: null });
      },
    },
  ];
}
