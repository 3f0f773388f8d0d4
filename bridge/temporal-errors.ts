import { isGrpcServiceError, ServiceError } from '@temporalio/client';

/** gRPC status codes (https://grpc.github.io/grpc/core/md_doc_statuscodes.html) the bridge tells apart. */
const PERMANENT_CODES = new Set([3 /* INVALID_ARGUMENT */, 9 /* FAILED_PRECONDITION */, 7 /* PERMISSION_DENIED */]);
const THROTTLED = 8; /* RESOURCE_EXHAUSTED */

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
