import { ApplicationFailure } from '@temporalio/activity';
import { joinUrl } from './http';
import type { PlatformDeps, TriggerRequest } from './types';

export interface PrecomputeRun extends TriggerRequest {
  className: string;
  skipDependencyCheck: boolean;
}

export interface PrecomputeResult {
  processor: string;
  status: string;
  recordCount?: number;
}

interface ProcessDateAnswer {
  status?: string;
  results?: { processor?: string; status?: string; stats?: { record_count?: number; records_processed?: number } }[];
}

/**
 * Phase 4: one `POST /process-date` per processor. The service always answers 200, so the
 * processor's own result is what decides: a failed result is a retryable failure.
 */
export function precomputeActivities({ config, platform }: PlatformDeps) {
  return {
    async runPrecomputeProcessor(request: PrecomputeRun): Promise<PrecomputeResult> {
      const { status, body } = await platform({
        method: 'POST',
        url: joinUrl(config.platform.precomputeUrl, '/process-date'),
        idempotencyKey: request.idempotencyKey,
        body: {
          analysis_date: request.gameDate,
          processors: [request.className],
          backfill_mode: false,
          strict_mode: !request.skipDependencyCheck,
          skip_dependency_check: request.skipDependencyCheck,
          correlation_id: request.correlationId,
          trigger_source: 'gameday',
        },
      });
      if (status === 409) {
        throw ApplicationFailure.retryable(`precompute answered 409: ${JSON.stringify(body)}`, 'PlatformBusy');
      }
      const results = (body as ProcessDateAnswer)?.results;
      const result = Array.isArray(results) ? results.find((r) => r.processor === request.className) : undefined;
      if (!result) {
        throw ApplicationFailure.retryable(
          `precompute answer has no result for ${request.className}: ${JSON.stringify(body)}`,
          'PrecomputeResultMissing',
        );
      }
      if (result.status !== 'success' && result.status !== 'partial') {
        throw ApplicationFailure.retryable(
          `${request.className} finished with status ${result.status} for ${request.gameDate}`,
          'PrecomputeProcessorFailed',
          result,
        );
      }
      return {
        processor: request.className,
        status: result.status,
        recordCount: result.stats?.record_count ?? result.stats?.records_processed,
      };
    },
  };
}
