/**
 * Counts the workflow tasks core fails (its "Failing workflow task" warning): after a deploy that changed workflow
 * code, nondeterminism shows up only there, as a task retried for ever while the day stands still. The wrapper
 * passes every line on to the real logger, counts the failures in `gameday_workflow_task_failures_total` and calls
 * the hook, so an alert can be raised.
 */
import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import type { MetricCounter } from '@temporalio/common';
import { LevelLogger } from './level-logger';

export const WORKFLOW_TASK_FAILURE_LINE = 'Failing workflow task';

export interface WorkflowTaskFailure {
  workflowId?: string;
  runId?: string;
  /** core's failure text (e.g. a nondeterminism error). */
  failure?: string;
  at: Date;
}

export type WorkflowTaskFailureHook = (failure: WorkflowTaskFailure) => void;

export class WorkflowTaskFailureWatcher extends LevelLogger {
  private readonly hooks: WorkflowTaskFailureHook[] = [];
  private counter?: MetricCounter;
  failures = 0;

  /** `counter` is created lazily: the Runtime that owns the meter is installed with this logger. */
  constructor(
    private readonly inner: Logger,
    private readonly makeCounter: () => MetricCounter | undefined,
  ) {
    super();
  }

  onFailure(hook: WorkflowTaskFailureHook): void {
    this.hooks.push(hook);
  }

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    this.inner.log(level, message, meta);
    if (level === 'WARN' && message.includes(WORKFLOW_TASK_FAILURE_LINE)) this.count(meta);
  }

  private count(meta: LogMetadata = {}): void {
    this.failures += 1;
    this.counter ??= this.makeCounter();
    this.counter?.add(1);
    const failure: WorkflowTaskFailure = {
      workflowId: meta.workflowId === undefined ? undefined : String(meta.workflowId),
      runId: (meta.runId ?? meta.run_id) === undefined ? undefined : String(meta.runId ?? meta.run_id),
      failure: meta.failure === undefined ? undefined : String(meta.failure),
      at: new Date(),
    };
    for (const hook of this.hooks) {
      try {
        hook(failure);
      } catch (err) {
        this.inner.error('workflow task failure hook threw', { error: String(err) });
      }
    }
  }
}
