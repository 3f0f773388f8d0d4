import { ActivityFailure, isCancellation } from '@temporalio/workflow';

/** The message of an activity's failure (its cause), for step errors and alerts. Cancellations are rethrown. */
export function failureText(err: unknown): string {
  if (isCancellation(err)) throw err;
  if (err instanceof ActivityFailure) return err.cause instanceof Error ? err.cause.message : err.message;
  throw err;
}

/** The failure type an activity raised (ApplicationFailure.type), if any. */
export function failureType(err: unknown): string | undefined {
  const type =
    err instanceof ActivityFailure ? (err.cause as unknown as { type?: unknown } | undefined)?.type : undefined;
  return typeof type === 'string' ? type : undefined;
}
