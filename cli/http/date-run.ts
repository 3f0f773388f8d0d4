/**
 * A date's latest run read over the HTTP API: the same `DateRun` as `loadDateRun` (cli/pipeline.ts) reads over gRPC,
 * field for field, so `gameday status --json` prints the same either way.
 */
import type { GamedayConfig } from '../../config/schema';
import { GameDateKey, PipelineCycleKey, PipelinePhaseKey, PipelineStatusKey } from '../../contracts/search-attributes';
import type { DayState } from '../../contracts/state';
import { pipelineStateQuery } from '../../contracts/workflow-api';
import { pipelineWorkflowId } from '../../domain/run-settings';
import type { DateRun, SearchAttributeView } from '../pipeline';
import { GRPC_INVALID_ARGUMENT, GRPC_NOT_FOUND, HTTP_ROUTES, HttpApiError, type TemporalHttpApi } from './api';
import { closeFailureMessage, type CloseEvent } from './close-event';
import { decodePayload, firstPayload } from './payloads';

const STATUS_PREFIX = 'WORKFLOW_EXECUTION_STATUS_';

/** The server refused the query: the run is no longer open (the SDK's QueryRejectedError). */
class QueryRejected extends Error {
  constructor() {
    super('Query rejected');
  }
}

const isRefusedAsClosed = (err: unknown): boolean => err instanceof QueryRejected;

interface DescribeResponse {
  workflowExecutionInfo: {
    execution: { workflowId: string; runId: string };
    status: string;
    startTime: string;
    closeTime?: string;
    searchAttributes?: { indexedFields?: Record<string, unknown> };
  };
}

type RunBase = Omit<DateRun, 'state' | 'stateSource'>;

/** The SDK's Date of a proto timestamp: millisecond precision, truncated. */
const isoTime = (text: string): string => new Date(text).toISOString();

function searchAttributes(fields: Record<string, unknown> = {}): SearchAttributeView {
  const keyword = (name: string) => {
    const value = name in fields ? decodePayload(fields[name]) : undefined;
    return typeof value === 'string' ? value : undefined;
  };
  return {
    gameDate: keyword(GameDateKey.name),
    cycle: keyword(PipelineCycleKey.name),
    phase: keyword(PipelinePhaseKey.name),
    status: keyword(PipelineStatusKey.name),
  };
}

async function closeEvent(api: TemporalHttpApi, run: RunBase, timeoutMs: number): Promise<CloseEvent> {
  const history = await api.call<{ history?: { events?: CloseEvent[] } }>(HTTP_ROUTES.history(run.workflowId), {
    params: {
      'execution.runId': run.runId,
      historyEventFilterType: 'HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT',
      waitNewEvent: 'false',
    },
    timeoutMs,
  });
  const event = history.history?.events?.[0];
  if (!event) throw new Error(`no close event in the history of ${run.workflowId} (run ${run.runId})`);
  return event;
}

/** The pipelineState query of a run (runId) or of the open run (no runId: refused at once if none is open). */
async function query(
  api: TemporalHttpApi,
  run: { workflowId: string; runId?: string },
  timeoutMs: number,
): Promise<DayState> {
  let response: { queryResult?: unknown; queryRejected?: unknown };
  try {
    response = await api.call(HTTP_ROUTES.query(run.workflowId, pipelineStateQuery.name), {
      body: run.runId
        ? { execution: { runId: run.runId } }
        : { queryRejectCondition: 'QUERY_REJECT_CONDITION_NOT_OPEN' },
      timeoutMs,
    });
  } catch (err) {
    // The messages of the SDK's QueryNotRegisteredError and ServiceError, which the gRPC path reports.
    if (err instanceof HttpApiError && err.code === GRPC_INVALID_ARGUMENT) throw err;
    throw new Error('Failed to query Workflow', { cause: err });
  }
  if (response.queryRejected) throw new QueryRejected();
  return firstPayload(response.queryResult) as DayState;
}

/** The state of one run: a completed run's result, else the query (which needs a worker); as `loadState`. */
async function loadState(
  api: TemporalHttpApi,
  run: RunBase,
  timeouts: { requestMs: number; queryMs: number },
): Promise<Pick<DateRun, 'state' | 'stateSource' | 'failure' | 'warning'>> {
  if (run.executionStatus === 'COMPLETED') {
    const event = await closeEvent(api, run, timeouts.requestMs);
    const result = event.workflowExecutionCompletedEventAttributes?.result;
    return { state: firstPayload(result) as DayState, stateSource: 'result' };
  }
  let failure: string | undefined;
  if (run.executionStatus !== 'RUNNING') {
    try {
      failure = closeFailureMessage(await closeEvent(api, run, timeouts.requestMs));
    } catch (err) {
      failure = (err as Error).message;
    }
  }
  try {
    return { state: await query(api, run, timeouts.queryMs), stateSource: 'query', failure };
  } catch (err) {
    return { stateSource: 'none', failure, warning: unanswered(err) };
  }
}

const unanswered = (err: unknown): string =>
  `the pipelineState query was not answered (is a worker polling task queue? ${(err as Error).message})`;

/**
 * The open run's state, asked beside describe (one round trip instead of two): used when describe finds that run
 * open and the state names it; a closed run's query is refused by the server without a worker.
 */
async function openRunState(
  api: TemporalHttpApi,
  workflowId: string,
  queryMs: number,
): Promise<{ state: DayState } | { error: unknown }> {
  try {
    return { state: await query(api, { workflowId }, queryMs) };
  } catch (error) {
    return { error };
  }
}

/** The latest run of a date's workflow, or undefined when the date has none. */
export async function loadDateRunOverHttp(
  api: TemporalHttpApi,
  config: GamedayConfig,
  gameDate: string,
  timeouts: { requestMs: number; queryMs: number },
): Promise<DateRun | undefined> {
  const workflowId = pipelineWorkflowId(config.temporal.workflowIdPrefix, gameDate);
  const open = openRunState(api, workflowId, timeouts.queryMs);
  let description: DescribeResponse;
  try {
    description = await api.call<DescribeResponse>(HTTP_ROUTES.describe(workflowId), {
      timeoutMs: timeouts.requestMs,
    });
  } catch (err) {
    if (err instanceof HttpApiError && err.code === GRPC_NOT_FOUND && !err.namespaceNotFound) return undefined;
    throw err;
  }
  const info = description.workflowExecutionInfo;
  const base: RunBase = {
    gameDate,
    workflowId,
    runId: info.execution.runId,
    executionStatus: info.status.replace(STATUS_PREFIX, ''),
    startTime: isoTime(info.startTime),
    closeTime: info.closeTime ? isoTime(info.closeTime) : undefined,
    searchAttributes: searchAttributes(info.searchAttributes?.indexedFields),
  };
  if (base.executionStatus === 'RUNNING') {
    const early = await open;
    if ('state' in early && early.state.runId === base.runId)
      return { ...base, state: early.state, stateSource: 'query' };
    if ('error' in early && !isRefusedAsClosed(early.error)) {
      return { ...base, stateSource: 'none', warning: unanswered(early.error) };
    }
  }
  return { ...base, ...(await loadState(api, base, timeouts)) };
}
