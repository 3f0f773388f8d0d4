import { z } from 'zod';
import type { Batch } from '../batch-types';
import { PREDICTIONS_PER_PLAYER } from '../batches';
import type { PlatformContext } from '../context';
import { injectServiceFaults } from './service-faults';
import { badRequest, HttpError, json, parseBody, type Answer, type Route } from '../http';
import { gameCount } from '../schedule';
import { dateField, idempotencyKey, optionalFlag, optionalText } from './common';

const RUN_MODES = [
  'PRE_GAME',
  'FIRST',
  'RETRY',
  'FINAL_RETRY',
  'LAST_CALL',
  'BACKFILL',
  'EARLY',
  'OVERNIGHT',
  'SAME_DAY',
  'MORNING',
];
/** The coordinator's aliases (quality_gate.parse_prediction_mode); unknown modes are RETRY. */
const ALIASES: Record<string, string> = { EARLY: 'FIRST', OVERNIGHT: 'RETRY', SAME_DAY: 'RETRY', MORNING: 'RETRY' };

/**
 * The prediction coordinator: `POST {coordinatorUrl}/start` and `GET {coordinatorUrl}/status`.
 * /start answers, in this order: 200 no_games_scheduled; 409 already_running (unless force); 503 DATA_INCOMPLETE
 * (scenario, unless skip_completeness_check); 404 no players (scenario); 202 started (a batch of the players this
 * run mode makes newly eligible; `published: 0` when everyone has a prediction already).
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
  const preexistingShown = new Set<string>();

  /**
   * As the real `get_batch_status`: the instance's own batch (the newest) from its in-memory tracker, under
   * `progress` with `is_stalled`; any other from Firestore, flat, with `source: firestore`.
   */
  const describe = (batch: Batch): Record<string, unknown> => {
    const progress = ctx.batches.progress(batch);
    const status = batch.state === 'complete' ? 'complete' : 'in_progress';
    if (batch !== ctx.batches.newest()) {
      return { status, batch_id: batch.batchId, game_date: batch.gameDate, ...progress, source: 'firestore' };
    }
    const elapsedSeconds = Math.max(0, ((batch.completedAtMs ?? ctx.now().getTime()) - batch.startedAtMs) / 1000);
    const completed = progress.completed_players;
    const remaining = progress.expected_players - completed;
    const rate = completed > 0 && elapsedSeconds > 0 ? completed / elapsedSeconds : 0;
    return {
      status,
      batch_id: batch.batchId,
      progress: {
        expected: progress.expected_players,
        completed,
        failed: 0,
        remaining,
        is_complete: status === 'complete',
        total_predictions: completed * PREDICTIONS_PER_PLAYER,
        elapsed_seconds: elapsedSeconds,
        completion_rate: rate,
        eta_seconds: rate > 0 ? remaining / rate : 0,
        progress_percentage: progress.completion_pct,
      },
      is_stalled: status === 'in_progress' && !batch.completes && elapsedSeconds * 1000 >= batch.durationMs,
      summary: status === 'complete' ? { expected: progress.expected_players, completed, failed: 0 } : null,
    };
  };

  const start = (body: z.infer<typeof schema>): Answer => {
    const scenario = ctx.scenario();
    const coordinator = scenario.coordinator ?? {};
    const games = gameCount(body.game_date, scenario);
    ctx.simulateDay(body.game_date);
    if (games === 0) {
      return json(200, {
        status: 'no_games_scheduled',
        game_date: body.game_date,
        message: `No games scheduled for ${body.game_date}`,
      });
    }
    const requested = (body.prediction_run_mode ?? 'OVERNIGHT').toUpperCase();
    const runMode = ALIASES[requested] ?? (RUN_MODES.includes(requested) ? requested : 'RETRY');
    if (
      coordinator.alreadyRunning &&
      !preexistingShown.has(body.game_date) &&
      !ctx.batches.runningFor(body.game_date)
    ) {
      preexistingShown.add(body.game_date);
      const { newly } = ctx.batches.eligible(body.game_date, games, runMode, scenario);
      ctx.batches.start({ gameDate: body.game_date, runMode, players: newly, triggerSource: 'scheduler', scenario });
    }
    const running = ctx.batches.runningFor(body.game_date);
    if (running && !body.force) {
      const progress = ctx.batches.progress(running);
      return json(409, {
        status: 'already_running',
        batch_id: running.batchId,
        progress: {
          expected: progress.expected_players,
          completed: progress.completed_players,
          pct: progress.completion_pct,
        },
      });
    }
    if (!body.skip_completeness_check && ctx.faults.hit('coordinator:503', coordinator.start503Times)) {
      throw new HttpError(
        503,
        {
          status: 'error',
          error: 'DATA_INCOMPLETE',
          message: `Phase 4 data incomplete for ${body.game_date}`,
          game_date: body.game_date,
        },
        'start503',
      );
    }
    if (ctx.faults.hit('coordinator:404', coordinator.start404)) {
      throw new HttpError(404, { status: 'error', message: `No players found for ${body.game_date}` }, 'start404');
    }
    if (running) ctx.batches.supersede(running);
    const { newly, total } = ctx.batches.eligible(body.game_date, games, runMode, scenario);
    const batch = ctx.batches.start({
      gameDate: body.game_date,
      runMode,
      players: newly,
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
      summary: {
        players_total: total,
        already_predicted: ctx.batches.predictedPlayers(body.game_date),
        run_mode: runMode,
      },
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
        injectServiceFaults(ctx, 'prediction-coordinator', [ctx.config.processors[5][0]]);
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
