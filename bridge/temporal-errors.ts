import { isGrpcServiceError, ServiceError } from '@temporalio/client';

/**
 * gRPC status codes (https://grpc.github.io/grpc/core/md_doc_statuscodes.html) the bridge tells apart. Only an
 * invalid argument is the message's own fault; PERMISSION_DENIED, UNAUTHENTICATED or FAILED_PRECONDITION say the
 * bridge's access or the namespace is wrong, which a fix makes right: acknowledging them would drop every completion.
 */
const PERMANENT_CODES = new Set([3 /* INVALID_ARGUMENT */]);
const THROTTLED = 8; /* RESOURCE_EXHAUSTED */

/** The error's message with its cause's (the client's "Failed to signalWithStart Workflow" says why only there). */
export function temporalErrorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? err.cause.message : undefined;
  return cause && !err.message.includes(cause) ? `${err.message}: ${cause}` : err.message;
}

/**
 * How a failed Temporal call should be answered: `transient` (503: Pub/Sub redelivers later), `throttled` (429),
 * or `permanent` (the message can never be delivered as it is: acknowledge it and record why).
 */
export function temporalErrorKind(err: unknown): 'transient' | 'throttled' | 'permanent' {
  const grpc = isGrpcServiceError(err)
    ? err
    : err instanceof ServiceError && isGrpcServiceError(err.cause)
      ? err.cause
      : undefined;
  if (!grpc) return 'transient';
  if (grpc.code === THROTTLED) return 'throttled';
  if (PERMANENT_CODES.has(grpc.code)) return 'permanent';
  return 'transient';
}
