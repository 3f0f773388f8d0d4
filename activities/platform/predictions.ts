import { ApplicationFailure } from '@temporalio/activity';
import { joinUrl } from './http';
import type { PlatformDeps, TriggerRequest } from './types';

export type PredictionStart =
  | { outcome: 'started' | 'attached'; batchId: string; totalRequests?: number }
  | { outcome: 'no_games' }
  | { outcome: 'nothing_to_predict'; batchId?: string };

export interface PredictionBatchStatus {
  status: 'complete' | 'in_progress' | 'not_found' | 'no_active_batch';
  completionPct: number;
  expectedPlayers?: number;
  completedPlayers?: number;
}

interface CoordinatorAnswer {
  status?: string;
  error?: string;
  batch_id?: string;
  total_requests?: number;
  published?: number;
  expected_players?: number;
  completed_players?: number;
  completion_pct?: number;
  progress?: { expected?: number; completed?: number; progress_percentage?: number };
}

export interface PredictionStartRequest extends TriggerRequest {
  /** The coordinator's prediction_run_mode: PRE_GAME, FIRST, RETRY, FINAL_RETRY, LAST_CALL. */
  runMode: string;
  /** Start a new batch even if one exists for the date (the legacy waves do: predict-once keeps existing rows). */
  force: boolean;
}

/** Phase 5: the prediction coordinator's `/start` and `/status`. */
export function predictionActivities({ config, platform }: PlatformDeps) {
  return {
    /**
     * 202 starts a batch; 409 attaches to the running one; 200 no_games_scheduled; 503 DATA_INCOMPLETE is retried
     * by the activity's policy; 404 (no players) is permanent for this wave.
     */
    async startPredictionBatch(request: PredictionStartRequest): Promise<PredictionStart> {
      let answer: { status: number; body: unknown };
      try {
        answer = await platform({
          method: 'POST',
          url: joinUrl(config.platform.coordinatorUrl, '/start'),
          idempotencyKey: request.idempotencyKey,
          body: {
            game_date: request.gameDate,
            correlation_id: request.correlationId,
            force: request.force,
            prediction_run_mode: request.runMode,
            skip_completeness_check: false,
          },
        });
      } catch (err) {
        const status = (err as ApplicationFailure).details?.[0] as { status?: number } | undefined;
        if (status?.status === 503) {
          throw ApplicationFailure.retryable(`coordinator: data incomplete for ${request.gameDate}`, 'DataIncomplete');
        }
        if (status?.status === 404) {
          throw ApplicationFailure.nonRetryable(`coordinator: no players found for ${request.gameDate}`, 'NoPlayers');
        }
        throw err;
      }
      const body = (answer.body ?? {}) as CoordinatorAnswer;
      if (answer.status === 409) {
        if (!body.batch_id) {
          throw ApplicationFailure.nonRetryable(
            `coordinator answered 409 ${body.status} without a batch_id`,
            'BadPlatformAnswer',
          );
        }
        return { outcome: 'attached', batchId: body.batch_id };
      }
      if (body.status === 'no_games_scheduled') return { outcome: 'no_games' };
      if (!body.batch_id) {
        throw ApplicationFailure.nonRetryable(
          `coordinator /start answer has no batch_id: ${JSON.stringify(body).slice(0, 300)}`,
          'BadPlatformAnswer',
        );
      }
      if ((body.published ?? body.total_requests) === 0)
        return { outcome: 'nothing_to_predict', batchId: body.batch_id };
      return { outcome: 'started', batchId: body.batch_id, totalRequests: body.total_requests };
    },

    async getPredictionBatchStatus(batchId: string): Promise<PredictionBatchStatus> {
      const { body } = await platform({
        method: 'GET',
        url: joinUrl(config.platform.coordinatorUrl, `/status?batch_id=${encodeURIComponent(batchId)}`),
      }).catch((err: ApplicationFailure) => {
        const status = (err.details?.[0] as { status?: number } | undefined)?.status;
        // 404 not_found is an answer (the coordinator lost the batch), not a failure.
        if (status === 404) return { status: 404, body: { status: 'not_found' } };
        throw err;
      });
      const answer = (body ?? {}) as CoordinatorAnswer;
      const known = ['complete', 'in_progress', 'not_found', 'no_active_batch'];
      if (!known.includes(answer.status ?? '')) {
        throw ApplicationFailure.nonRetryable(
          `coordinator /status answered unknown status ${answer.status}`,
          'BadPlatformAnswer',
        );
      }
      return {
        status: answer.status as PredictionBatchStatus['status'],
        completionPct: answer.completion_pct ?? answer.progress?.progress_percentage ?? 0,
        expectedPlayers: answer.expected_players ?? answer.progress?.expected,
        completedPlayers: answer.completed_players ?? answer.progress?.completed,
      };
    },
  };
}
