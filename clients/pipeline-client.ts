/** Starting, rerunning and signalling a date's workflow: shared by the bridge, the CLI, self-heal and scripts. */
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import type { GamedayConfig } from '../config/schema';
import { GameDateKey } from '../contracts/search-attributes';
import {
  PIPELINE_WORKFLOW_TYPE,
  processorCompletedSignal,
  type GameDatePipelineWorkflow,
  type PipelineInput,
} from '../contracts/workflow-api';
import { assertGameDate } from '../domain/dates';
import type { Delivery } from '../domain/messages';
import { pipelineWorkflowId } from '../domain/run-settings';
import { dayStartSummary } from '../domain/start-summary';

export type PipelineHandle = WorkflowHandleWithFirstExecutionRunId<GameDatePipelineWorkflow>;

export function workflowIdFor(config: GamedayConfig, gameDate: string): string {
  return pipelineWorkflowId(config.temporal.workflowIdPrefix, assertGameDate(gameDate));
}

/** The start options of a date's workflow: its ID, task queue, search attribute and a summary the UI shows. */
export function startOptions(config: GamedayConfig, input: PipelineInput) {
  return {
    taskQueue: config.temporal.taskQueue,
    workflowId: workflowIdFor(config, input.gameDate),
    args: [input] as [PipelineInput],
    typedSearchAttributes: [{ key: GameDateKey, value: input.gameDate }],
    ...dayStartSummary(input),
  };
}

/** Starts a date's workflow, or attaches to the one running: never a second run at once. A closed date is not started again. */
export async function startOrAttach(
  client: Client,
  config: GamedayConfig,
  input: PipelineInput,
): Promise<{ handle: PipelineHandle; started: boolean }> {
  const options = startOptions(config, input);
  const runningRunId = await runningRun(client, options.workflowId);
  try {
    const handle = await client.workflow.start<GameDatePipelineWorkflow>(PIPELINE_WORKFLOW_TYPE, {
      ...options,
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    return { handle, started: handle.firstExecutionRunId !== runningRunId };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      throw new Error(
        `the day of ${input.gameDate} already ran (workflow ${options.workflowId} is closed); use rerun to run it again`,
      );
    }
    throw err;
  }
}

async function runningRun(client: Client, workflowId: string): Promise<string | undefined> {
  try {
    const description = await client.workflow.getHandle(workflowId).describe();
    return description.status.name === 'RUNNING' ? description.runId : undefined;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/** Starts a new run of a date (terminating the one running, if any). */
export async function rerun(client: Client, config: GamedayConfig, input: PipelineInput): Promise<PipelineHandle> {
  return client.workflow.start<GameDatePipelineWorkflow>(PIPELINE_WORKFLOW_TYPE, {
    ...startOptions(config, input),
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    workflowIdConflictPolicy: 'TERMINATE_EXISTING',
  });
}

export type DeliveryResult =
  | { delivered: true; workflowId: string; runId?: string; started: boolean }
  | { delivered: false; workflowId: string; reason: 'closed' | 'not_running' };

/**
 * Signals a message to its date's workflow. With `start` (a countable completion inside the start window) it uses
 * signal-with-start, so a completion that arrives before the date's workflow exists starts it; otherwise it only
 * reaches a running workflow. A closed date is never started again by a message.
 */
export async function signalDate(
  client: Client,
  config: GamedayConfig,
  gameDate: string,
  message: unknown,
  delivery: Delivery | undefined,
  options: { start: boolean; startedBy?: string },
): Promise<DeliveryResult> {
  const start = startOptions(config, { gameDate, startedBy: options.startedBy ?? 'bridge' });
  if (!options.start) {
    const handle = client.workflow.getHandle(start.workflowId);
    try {
      await handle.signal(processorCompletedSignal, message, delivery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError)
        return { delivered: false, workflowId: start.workflowId, reason: 'not_running' };
      throw err;
    }
    return { delivered: true, workflowId: start.workflowId, started: false };
  }
  try {
    const handle = await client.workflow.signalWithStart<GameDatePipelineWorkflow, [unknown, Delivery?]>(
      PIPELINE_WORKFLOW_TYPE,
      {
        ...start,
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        signal: processorCompletedSignal,
        signalArgs: [message, delivery],
      },
    );
    return { delivered: true, workflowId: handle.workflowId, runId: handle.signaledRunId, started: false };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      return { delivered: false, workflowId: start.workflowId, reason: 'closed' };
    }
    throw err;
  }
}
