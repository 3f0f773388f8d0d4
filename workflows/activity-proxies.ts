import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { PipelineActivities } from '../activities';

/** Failure types that no retry can fix. */
const PERMANENT = ['PlatformRejected', 'BadPlatformAnswer', 'InvalidInput'];

export const settingsActivity = proxyLocalActivities<PipelineActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 3 },
});

/** Reads (schedule, batch status): quick, retried briefly with exponential backoff. */
export const readActivities = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 8,
    nonRetryableErrorTypes: PERMANENT,
  },
});

/** Triggers: each carries an idempotency key, so a retry after a lost answer never runs twice. */
export const triggerActivities = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '5 minutes',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    maximumAttempts: 6,
    nonRetryableErrorTypes: PERMANENT,
  },
});

/** The prediction coordinator's 503 DATA_INCOMPLETE is waited out for up to two hours. */
export const predictionStartActivity = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '2 minutes',
  scheduleToCloseTimeout: '2 hours',
  retry: {
    initialInterval: '10 seconds',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    nonRetryableErrorTypes: PERMANENT,
  },
});

export const alertActivity = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

/** Data gates: one check is a few warehouse queries; a failing gate is re-checked on the gate's own timer. */
export const gateActivity = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 3,
    nonRetryableErrorTypes: PERMANENT,
  },
});

/** Execution-log rows: the write is a MERGE on the event key, so retries never duplicate a row. */
export const executionLogActivity = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});
