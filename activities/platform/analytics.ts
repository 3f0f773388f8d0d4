import { ApplicationFailure } from '@temporalio/activity';
import { joinUrl } from './http';
import type { PlatformDeps, TriggerRequest } from './types';

export interface AnalyticsTrigger extends TriggerRequest {
  /** Class names, as the service expects them. */
  processors: string[];
}

/** Phase 3: `POST /process-date-range` on the analytics service for one date. */
export function analyticsActivities({ config, platform }: PlatformDeps) {
  return {
    async triggerAnalytics(request: AnalyticsTrigger): Promise<{ status: string }> {
      const { status, body } = await platform({
        method: 'POST',
        url: joinUrl(config.platform.analyticsUrl, '/process-date-range'),
        idempotencyKey: request.idempotencyKey,
        body: {
          start_date: request.gameDate,
          end_date: request.gameDate,
          processors: request.processors,
          backfill_mode: false,
          skip_downstream_trigger: false,
          correlation_id: request.correlationId,
          trigger_source: 'gameday',
        },
      });
      if (status === 409) {
        throw ApplicationFailure.retryable(`analytics answered 409: ${JSON.stringify(body)}`, 'PlatformBusy');
      }
      return { status: String((body as { status?: unknown })?.status ?? 'accepted') };
    },
  };
}
