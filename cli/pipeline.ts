/** Reads a date's pipeline from Temporal: the latest run, its state (query or result) and its search attributes. */
import {
  WorkflowFailedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowExecutionInfo,
} from '@temporalio/client';
import type { GamedayConfig } from '../config/schema';
import { GameDateKey, PipelineCycleKey, PipelinePhaseKey, PipelineStatusKey } from '../contracts/search-attributes';
import type { DayState } from '../contracts/state';
import { PIPELINE_WORKFLOW_TYPE, pipelineStateQuery } from '../contracts/workflow-api';
import { pipelineWorkflowId } from '../domain/run-settings';

export interface SearchAttributeView {
  gameDate?: string;
  cycle?: string;
  phase?: string;
  status?: string;
}

/** One run of a date's workflow as the CLI shows it. */
export interface DateRun {
  gameDate: string;
  workflowId: string;
  runId: string;
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT, ... */
  executionStatus: string;
  startTime?: string;
  closeTime?: string;
  searchAttributes: SearchAttributeView;
  /** The day's state, from the query (open runs) or the result (completed runs). */
  state?: DayState;
  stateSource: 'query' | 'result' | 'none';
  /** Why the state is missing, or why a closed run did not complete. */
  failure?: string;
  warning?: string;
}

export function searchAttributesOf(info: Pick<WorkflowExecutionInfo, 'typedSearchAttributes'>): SearchAttributeView {
  const attrs = info.typedSearchAttributes;
  return {
    gameDate: attrs.get(GameDateKey),
    cycle: attrs.get(PipelineCycleKey),
    phase: attrs.get(PipelinePhaseKey),
    status: attrs.get(PipelineStatusKey),
  };
}

export const QUERY_TIMEOUT_MS = 5_000;

/** The state of one run: a completed run's result, else the query (which needs a worker). */
export async function loadState(
  client: Client,
  run: Omit<DateRun, 'state' | 'stateSource'>,
  queryTimeoutMs = QUERY_TIMEOUT_MS,
): Promise<Pick<DateRun, 'state' | 'stateSource' | 'failure' | 'warning'>> {
  if (run.executionStatus === 'COMPLETED') {
    const state = (await client.workflow.result(run.workflowId, run.runId, { followRuns: false })) as DayState;
    return { state, stateSource: 'result' };
  }
  let failure: string | undefined;
  if (run.executionStatus !== 'RUNNING') {
    try {
      await client.workflow.result(run.workflowId, run.runId, { followRuns: false });
    } catch (err) {
      failure = failureMessage(err);
    }
  }
  try {
    const handle = client.workflow.getHandle(run.workflowId, run.runId);
    const state = await client.withDeadline(Date.now() + queryTimeoutMs, () => handle.query(pipelineStateQuery));
    return { state, stateSource: 'query', failure };
  } catch (err) {
    return {
      stateSource: 'none',
      failure,
      warning: `the pipelineState query was not answered (is a worker polling task queue? ${(err as Error).message})`,
    };
  }
}

export function failureMessage(err: unknown): string {
  if (err instanceof WorkflowFailedError) {
    const cause = err.cause as Error | undefined;
    return cause?.message ? `${err.message}: ${cause.message}` : err.message;
  }
  return (err as Error).message;
}

/** The latest run of a date's workflow, or undefined when the date has none. */
export async function loadDateRun(
  client: Client,
  config: GamedayConfig,
  gameDate: string,
  options: { withState?: boolean; queryTimeoutMs?: number } = {},
): Promise<DateRun | undefined> {
  const workflowId = pipelineWorkflowId(config.temporal.workflowIdPrefix, gameDate);
  let description;
  try {
    description = await client.workflow.getHandle(workflowId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
  const base = {
    gameDate,
    workflowId,
    runId: description.runId,
    executionStatus: description.status.name,
    startTime: description.startTime.toISOString(),
    closeTime: description.closeTime?.toISOString(),
    searchAttributes: searchAttributesOf(description),
  };
  if (options.withState === false) return { ...base, stateSource: 'none' };
  return { ...base, ...(await loadState(client, base, options.queryTimeoutMs)) };
}

/** The latest run per date from visibility, one list call for all dates. */
export async function listDateRuns(
  client: Client,
  config: GamedayConfig,
  dates: readonly string[],
): Promise<Map<string, Omit<DateRun, 'state' | 'stateSource'>>> {
  const quoted = dates.map((d) => `'${d}'`).join(', ');
  const query = `WorkflowType = '${PIPELINE_WORKFLOW_TYPE}' AND GameDate IN (${quoted})`;
  const latest = new Map<string, Omit<DateRun, 'state' | 'stateSource'>>();
  for await (const info of client.workflow.list({ query, pageSize: 1000 })) {
    const attrs = searchAttributesOf(info);
    const gameDate = attrs.gameDate;
    if (!gameDate || info.workflowId !== pipelineWorkflowId(config.temporal.workflowIdPrefix, gameDate)) continue;
    const current = latest.get(gameDate);
    const startTime = info.startTime.toISOString();
    if (current && current.startTime && current.startTime >= startTime) continue;
    latest.set(gameDate, {
      gameDate,
      workflowId: info.workflowId,
      runId: info.runId,
      executionStatus: info.status.name,
      startTime,
      closeTime: info.closeTime?.toISOString(),
      searchAttributes: attrs,
    });
  }
  return latest;
}

/** Runs `fn` over items with at most `limit` at once, keeping order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  });
  await Promise.all(workers);
  return results;
}

/** Temporal execution statuses of a run that ended without its day: the date needs a rerun. */
export const CLOSED_WITHOUT_DAY = ['FAILED', 'TERMINATED', 'CANCELLED', 'TIMED_OUT'];

/** The effective status of a run: the day's own status, or the execution's when it closed otherwise. */
export function effectiveStatus(run: DateRun): string {
  if (CLOSED_WITHOUT_DAY.includes(run.executionStatus)) return run.executionStatus;
  if (run.executionStatus === 'CONTINUED_AS_NEW') return 'RUNNING';
  return run.state?.status ?? run.searchAttributes.status ?? run.executionStatus;
}

/** The run ID a start call created (the handle's type in clients/ does not declare it). */
export function firstRunId(handle: object): string {
  return (handle as { firstExecutionRunId: string }).firstExecutionRunId;
}
