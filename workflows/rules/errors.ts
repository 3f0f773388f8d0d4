import { ActivityFailure, ApplicationFailure, isCancellation } from '@temporalio/workflow';

/** The message of an activity's failure (its cause), for step errors and alerts. Cancellations are rethrown. */
export function failureText(err: unknown): string {
  if (isCancellation(err)) throw err;
  if (err instanceof ActivityFailure) return err.cause instanceof Error ? err.cause.message : err.message;
  throw err;
}

/** The HTTP status a platform service answered, when that is why the activity failed. */
export function failureStatus(err: unknown): number | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  const details = cause instanceof ApplicationFailure ? cause.details : undefined;
  const status = (details?.[0] as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** The service refused the worker's identity (401/403): its invoker rights, not the request, are wrong. */
export function isForbidden(err: unknown): boolean {
  const status = failureStatus(err);
  return status === 401 || status === 403;
}

/** The failure type an activity raised (ApplicationFailure.type), if any. */
export function failureType(err: unknown): string | undefined {
  const type =
    err instanceof ActivityFailure ? (err.cause as unknown as { type?: unknown } | undefined)?.type : undefined;
  return typeof type === 'string' ? type : undefined;
}
