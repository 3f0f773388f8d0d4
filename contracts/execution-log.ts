/** One row of `nba_orchestration.processor_execution_log`: a trigger, a completion, a gate result, a force or an alert. */
export interface ExecutionLogEvent {
  /** Deterministic event key (the run ID + the event), or the platform's execution_id for a processor's completion. */
  executionId: string;
  processorName: string;
  /** `phase_4_precompute` style (phase 6 is `phase_6_export`). */
  phase: string;
  triggeredAt: string;
  completedAt?: string;
  status: string;
  dataDate: string;
  triggerSource?: string;
  pubsubMessageId?: string;
  /** The workflow ID. */
  correlationId: string;
  recordsProcessed?: number;
  errorMessage?: string;
}
