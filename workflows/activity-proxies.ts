/**
 * Every activity the date's workflow calls, through proxies with explicit timeouts and retry policies. Calls go
 * through `executeWithOptions` with a summary naming the phase and processor, so the UI's event history reads
 * like the pipeline; timeouts that depend on the config (phase 4's long synchronous call) are set per call.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { PipelineActivities } from '../activities';

/** Failure types that no retry can fix. */
export const PERMANENT_FAILURES = ['PlatformRejected', 'BadPlatformAnswer', 'InvalidInput', 'NoPlayers'];

/**
 * Settings and the day's plan: in-process, recorded in history. Four attempts (about 7 s), then the day alerts and
 * tries again on a timer until they work (a bug is fixed by a deploy): never a dead date.
 */
export const settingsActivity = proxyLocalActivities<PipelineActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 4 },
});

/** Reads (schedule, batch status, Final games): quick, retried briefly with exponential backoff. */
export const readActivities = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 8,
    nonRetryableErrorTypes: PERMANENT_FAILURES,
  },
});

/**
 * Triggers: each carries an idempotency key, so a retry after a lost answer never runs twice. Retried for an hour,
 * not a number of attempts: a service outage of minutes (its circuit breaker open) ends in a trigger, not a failure.
 */
export const triggerActivities = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '2 minutes',
  scheduleToCloseTimeout: '1 hour',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: PERMANENT_FAILURES,
  },
});

/**
 * Phase 4's synchronous `/process-date`: one call per processor at a time. The activity heartbeats while it waits,
 * so a dead worker is noticed in `heartbeatTimeout`, not after the whole start-to-close; its start-to-close is set
 * per call from the platform's request timeout (the two agree).
 */
export const precomputeActivity = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '10 minutes',
  scheduleToCloseTimeout: '2 hours',
  heartbeatTimeout: '30 seconds',
  retry: {
    initialInterval: '10 seconds',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: PERMANENT_FAILURES,
  },
});

/** The coordinator's /start: 503 DATA_INCOMPLETE is waited out by the retry policy, until the call's schedule-to-close. */
export const predictionStartActivity = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '2 minutes',
  scheduleToCloseTimeout: '1 hour',
  retry: {
    initialInterval: '10 seconds',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    nonRetryableErrorTypes: PERMANENT_FAILURES,
  },
});

/** Bookkeeping: alerts and execution-log rows, written in the background, never on the path to a trigger. */
export const bookkeepingActivities = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

/** Data gates: a few warehouse queries; a failing gate is re-checked on the gate's own timer. */
export const gateActivity = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 3,
    nonRetryableErrorTypes: PERMANENT_FAILURES,
  },
});
