import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import type { GamedayConfig } from '../config/schema';
import type { CompletionMessage } from '../domain/completion-message';
import type { PipelineInput } from '../domain/pipeline-state';
import { pipelineWorkflowId } from '../domain/run-settings';
import { assertGameDate, dateInZone, daysBetween } from '../domain/dates';
import { processorCompletedSignal } from '../workflows/definitions';
import { GameDateKey } from '../workflows/search-attributes';
import type { gameDatePipeline } from '../workflows';

export type PipelineHandle = WorkflowHandleWithFirstExecutionRunId<typeof gameDatePipeline>;

export function workflowIdFor(config: GamedayConfig, gameDate: string): string {
  return pipelineWorkflowId(config.temporal.workflowIdPrefix, assertGameDate(gameDate));
}

function startOptions(config: GamedayConfig, input: PipelineInput) {
  return {
    taskQueue: config.temporal.taskQueue,
    workflowId: workflowIdFor(config, input.gameDate),
    args: [input] as [PipelineInput],
    typedSearchAttributes: [{ key: GameDateKey, value: input.gameDate }],
  };
}

/**
 * Starts a date's pipeline, or attaches to the one already running: never a second run at once.
 * A closed date is not started again here (`rerun` does that on purpose).
 */
export async function startOrAttach(
  client: Client,
  config: GamedayConfig,
  input: PipelineInput,
): Promise<{ handle: PipelineHandle; started: boolean }> {
  const options = startOptions(config, input);
  const runningRunId = await runningRun(client, options.workflowId);
  try {
    const handle = await client.workflow.start<typeof gameDatePipeline>('gameDatePipeline', {
      ...options,
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    return { handle, started: handle.firstExecutionRunId !== runningRunId };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      throw new Error(
        `the pipeline for ${input.gameDate} already ran (workflow ${options.workflowId} is closed); use rerun to run it again`,
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

/** Starts a new run of a finished date (or of one still running, which is then terminated first). */
export async function rerun(client: Client, config: GamedayConfig, input: PipelineInput): Promise<PipelineHandle> {
  return client.workflow.start<typeof gameDatePipeline>('gameDatePipeline', {
    ...startOptions(config, input),
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
  });
}

export interface Delivery {
  delivered: boolean;
  workflowId: string;
  runId?: string;
  /** Why it was not delivered. */
  reason?: 'closed' | 'outside_start_window';
}

/**
 * Delivers a completion. For a date near today (config `bridge.startWindowDays`, America/New_York) it uses
 * signal-with-start, so a message that arrives before the date's workflow exists starts it rather than being
 * lost; a closed date is not restarted by a late message. For any other date (a processor re-run by hand for an
 * old date, say) it only signals a running workflow: a stray message never starts a whole pipeline that would
 * export old data as the latest.
 */
export async function deliverCompletion(
  client: Client,
  config: GamedayConfig,
  message: CompletionMessage,
  now: Date = new Date(),
): Promise<Delivery> {
  const options = startOptions(config, { gameDate: message.game_date });
  const today = dateInZone(now, config.timeZone);
  if (Math.abs(daysBetween(today, message.game_date)) > config.bridge.startWindowDays) {
    const handle = client.workflow.getHandle(options.workflowId);
    try {
      await handle.signal(processorCompletedSignal, message);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        return { delivered: false, workflowId: options.workflowId, reason: 'outside_start_window' };
      }
      throw err;
    }
    return { delivered: true, workflowId: options.workflowId, runId: (await handle.describe()).runId };
  }
  try {
    const handle = await client.workflow.signalWithStart<typeof gameDatePipeline, [CompletionMessage]>(
      'gameDatePipeline',
      {
        ...options,
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        signal: processorCompletedSignal,
        signalArgs: [message],
      },
    );
    return { delivered: true, workflowId: handle.workflowId, runId: handle.signaledRunId };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      return { delivered: false, workflowId: options.workflowId, reason: 'closed' };
    }
    throw err;
  }
}
