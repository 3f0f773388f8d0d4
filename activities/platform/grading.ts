import type { PubSub } from '@google-cloud/pubsub';
import { topicPublisher } from './trigger-topic';
import type { PlatformDeps, TriggerRequest } from './types';

/** The grading function's trigger message (`nba-grading-trigger`): always an explicit date (its words resolve in UTC). */
export interface GradingTriggerMessage {
  target_date: string;
  run_aggregation: boolean;
  correlation_id: string;
  trigger_source: string;
}

/** Grading (phase 5b): one trigger once every game of the date is Final; the function answers on `nba-grading-complete`. */
export function gradingActivities(deps: PlatformDeps, client?: PubSub) {
  const publish = topicPublisher(deps, client);
  const { config } = deps;
  return {
    async publishGradingTrigger(request: TriggerRequest): Promise<{ messageId: string }> {
      const message: GradingTriggerMessage = {
        target_date: request.gameDate,
        run_aggregation: true,
        correlation_id: request.correlationId,
        trigger_source: 'gameday',
      };
      const messageId = await publish({
        topic: config.topics.gradingTrigger,
        pushUrl: config.platform.gradingPushUrl,
        subscription: `${config.topics.gradingTrigger}-grading`,
        message,
        idempotencyKey: request.idempotencyKey,
      });
      return { messageId };
    },
  };
}
