import { ApplicationFailure } from '@temporalio/activity';
import { joinUrl } from './http';
import type { PlatformDeps, TriggerRequest } from './types';

export type PredictionStart =
  { outcome: 'started' | 'attached'; batchId: string; totalRequests?: number } | { outcome: 'no_games' };

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
  expected_players?: number;
  completed_players?: number;
  completion_pct?: number;
}

/** Phase 5: the prediction coordinator's `/start` and `/status`. */
export function predictionActivities({ config, platform }: PlatformDeps) {
  return {
    /**
     * 409 attaches to the running batch; 503 DATA_INCOMPLETE is retried by policy; 404 fails the phase.
     * `force` (an operator's restart) replaces a running batch instead of attaching to it.
     */
    async startPredictionBatch(request: TriggerRequest & { force?: boolean }): Promise<PredictionStart> {
      let answer: { status: number; body: unknown };
      try {
        answer = await platform({
          method: 'POST',
          url: joinUrl(config.platform.coordinatorUrl, '/start'),
          idempotencyKey: request.idempotencyKey,
          body: {
            game_date: request.gameDate,
            correlation_id: request.correlationId,
            force: request.force ?? false,
            prediction_run_mode: config.predictions.predictionRunMode,
            skip_completeness_check: false,
          },
        });
      } catch (err) {
        const status = (err as ApplicationFailure).details?.[0] as { status?: number } | undefined;
        if (status?.status === 503) {
          throw ApplicationFailure.retryable(`coordinator: data incomplete for ${request.gameDate}`, 'DataIncomplete');
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
          `coordinator /start answer has no batch_id: ${JSON.stringify(body)}`,
          'BadPlatformAnswer',
        );
      }
      return { outcome: 'started', batchId: body.batch_id, totalRequests: body.total_requests };
    },

    async getPredictionBatchStatus(batchId: string): Promise<PredictionBatchStatus> {
      const { body } = await platform({
        method: 'GET',
        url: joinUrl(config.platform.coordinatorUrl, `/status?batch_id=${encodeURIComponent(batchId)}`),
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
        completionPct: answer.completion_pct ?? 0,
        expectedPlayers: answer.expected_players,
        completedPlayers: answer.completed_players,
      };
    },
  };
}
