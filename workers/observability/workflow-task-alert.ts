/**
 * The alert for a failing workflow task (see ./workflow-task-failures): once per workflow run, through the alert
 * channels and ledger of the alerts module (Slack, email), beside the error line in the worker's log. Core retries
 * a failing task for ever, so without it a nondeterministic deploy would leave every running day silently stalled.
 */
import { deliver, logChannel, type AlertChannel } from '../../activities/alerts/alerts';
import type { DeliveryLedger } from '../../activities/alerts/ledger';
import type { GamedayConfig } from '../../config/schema';
import type { GamedayLogger } from './logger';
import type { WorkflowTaskFailureHook } from './workflow-task-failures';

export const WORKFLOW_TASK_ALERT_KIND = 'WORKFLOW_TASK_FAILING';

export function workflowTaskFailureAlert(deps: {
  config: GamedayConfig;
  channels: AlertChannel[];
  ledger: DeliveryLedger;
  logger: GamedayLogger;
}): WorkflowTaskFailureHook {
  // The log channel writes through the activity context; here the worker's own logger says it.
  const channels = deps.channels.filter((channel) => channel !== logChannel);
  return (failure) => {
    const who = failure.workflowId ?? 'a workflow';
    deps.logger.error(
      { workflowId: failure.workflowId, runId: failure.runId, failure: failure.failure?.slice(0, 2000) },
      `${WORKFLOW_TASK_ALERT_KIND}: a workflow task of ${who} is failing`,
    );
    const key = `workflow-task-failing:${failure.workflowId ?? ''}:${failure.runId ?? ''}`;
    const text = [
      `Workflow: ${who} (run ${failure.runId ?? 'unknown'})`,
      `Problem: its workflow task fails and is retried for ever; the day stands still (nondeterminism after a deploy, or a workflow bug)`,
      `Failure: ${(failure.failure ?? 'unknown').slice(0, 500)}`,
      `Fix: roll the worker back to the previous build, then gameday status ${gameDateOf(who) ?? '<date>'}; see docs/runbook.md`,
      `Key: ${key}`,
    ].join('\n');
    deliver(channels, deps.ledger, {
      key,
      subject: `${deps.config.alerts.subjectPrefix} ${WORKFLOW_TASK_ALERT_KIND} ${who}`.trim(),
      text,
    }).catch((err: Error) => deps.logger.error(`${WORKFLOW_TASK_ALERT_KIND} alert not delivered: ${err.message}`));
  };
}

function gameDateOf(workflowId: string): string | undefined {
  return /\d{4}-\d{2}-\d{2}/.exec(workflowId)?.[0];
}
