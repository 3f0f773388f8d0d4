import { ApplicationFailure, Context } from '@temporalio/activity';
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
  executionId?: string;
}

interface ProcessDateAnswer {
  status?: string;
  results?: {
    processor?: string;
    status?: string;
    stats?: { record_count?: number; records_processed?: number; execution_id?: string };
  }[];
}

const HEARTBEAT_EVERY_MS = 10_000;

/** Heartbeats while `work` runs, so a worker that dies mid-call is noticed in the heartbeat timeout. */
export async function withHeartbeats<T>(work: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
  let context: Context | undefined;
  try {
    context = Context.current();
  } catch {
    context = undefined; // called outside an activity (tests)
  }
  if (!context) return work(undefined);
  const ctx = context;
  ctx.heartbeat();
  const timer = setInterval(() => ctx.heartbeat(), HEARTBEAT_EVERY_MS);
  try {
    return await work(ctx.cancellationSignal);
  } finally {
    clearInterval(timer);
  }
}

/**
 * Phase 4: one synchronous `POST /process-date` per processor (one call at a time: the workflow waits for each).
 * The service always answers 200, so the processor's own result decides: a failed result is a retryable failure.
 * The request timeout is config.platform.precomputeTimeoutSeconds; the activity's start-to-close follows it.
 */
export function precomputeActivities({ config, platform }: PlatformDeps) {
  return {
    async runPrecomputeProcessor(request: PrecomputeRun): Promise<PrecomputeResult> {
      const { status, body } = await withHeartbeats((signal) =>
        platform({
          method: 'POST',
          url: joinUrl(config.platform.precomputeUrl, '/process-date'),
          idempotencyKey: request.idempotencyKey,
          timeoutMs: config.platform.precomputeTimeoutSeconds * 1000,
          signal,
          body: {
            analysis_date: request.gameDate,
            processors: [request.className],
            backfill_mode: false,
            strict_mode: !request.skipDependencyCheck,
            skip_dependency_check: request.skipDependencyCheck,
            correlation_id: request.correlationId,
            trigger_source: 'gameday',
          },
        }),
      );
      if (status === 409) {
        throw ApplicationFailure.retryable(`precompute answered 409: ${JSON.stringify(body)}`, 'PlatformBusy');
      }
      const results = (body as ProcessDateAnswer)?.results;
      const result = Array.isArray(results) ? results.find((r) => r.processor === request.className) : undefined;
      if (!result) {
        throw ApplicationFailure.retryable(
          `precompute answer has no result for ${request.className}: ${JSON.stringify(body).slice(0, 300)}`,
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
        executionId: result.stats?.execution_id,
      };
    },
  };
}
