import { ActivityFailure, ApplicationFailure, TemporalFailure, isCancellation } from '@temporalio/workflow';

/**
 * The failure an activity raised: an activity's failure wraps it (ActivityFailure), a local activity's may arrive
 * as the failure itself (ApplicationFailure). Anything else is a bug in workflow code, not an activity's answer.
 */
function activityCause(err: unknown): Error | undefined {
  if (err instanceof ActivityFailure) return err.cause instanceof Error ? err.cause : err;
  if (err instanceof TemporalFailure) return err;
  return undefined;
}

/** The message of an activity's failure (its cause), for step errors and alerts. Cancellations are rethrown. */
export function failureText(err: unknown): string {
  if (isCancellation(err)) throw err;
  const cause = activityCause(err);
  if (cause) return cause.message;
  throw err;
}

/** The HTTP status a platform service answered, when that is why the activity failed. */
export function failureStatus(err: unknown): number | undefined {
  const cause = activityCause(err);
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
  const cause = activityCause(err);
  const type = cause instanceof ApplicationFailure ? cause.type : undefined;
  return typeof type === 'string' ? type : undefined;
}
