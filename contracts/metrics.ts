/**
 * Gameday's own Prometheus metrics (beside the SDK's `temporal_*`), on the worker's metrics port. The workflow
 * emits the day's through its replay-safe meter; the worker process the breaker and workflow-task ones.
 */
export const GAMEDAY_METRICS = {
  /** histogram, seconds of the day's clock from a step's start to its end; tags phase, cycle, kind, status. */
  phaseDuration: 'gameday_phase_duration_seconds',
  /** counter; tags phase, kind, reason (scheduled, partial_trigger, remedy, forced). */
  triggers: 'gameday_triggers',
  /** counter; tags kind (STEP_STUCK, GATE_FAILED, ...), phase. */
  alerts: 'gameday_alerts',
  /** counter, each failing check of a data gate; tags phase, kind. */
  gateFailures: 'gameday_gate_failures',
  /** gauge per platform service: 0 closed, 1 half open, 2 open. */
  breakerState: 'gameday_platform_breaker_state',
  /** counter of workflow tasks core failed (nondeterminism after a deploy, a workflow bug). */
  workflowTaskFailures: 'gameday_workflow_task_failures',
} as const;

export const BREAKER_STATE_VALUE = { closed: 0, half_open: 1, open: 2 } as const;
