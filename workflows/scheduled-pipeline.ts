/**
 * What a pipeline schedule starts: derives the game date from the schedule's nominal fire time (the
 * TemporalScheduledStartTime search attribute) in the platform's zone, never from the wall clock, then starts the
 * date's gameDatePipeline as an abandoned child with the date's workflow ID: one workflow per date, whoever starts it.
 */
import {
  defineSearchAttributeKey,
  SearchAttributeType,
  WorkflowExecutionAlreadyStartedError,
} from '@temporalio/common';
import { ApplicationFailure, ParentClosePolicy, log, startChild, workflowInfo } from '@temporalio/workflow';
import { dayStartSummary } from '../domain/start-summary';
import { scheduledGameDate } from '../domain/scheduling';
import { gameDateInput } from './input';
import { pipelineWorkflowId } from '../domain/run-settings';
import { GameDateKey } from '../contracts/search-attributes';
import { settingsActivity } from './activity-proxies';
import { gameDatePipeline } from './game-date-pipeline';

export const ScheduledStartTimeKey = defineSearchAttributeKey(
  'TemporalScheduledStartTime',
  SearchAttributeType.DATETIME,
);

export interface ScheduledPipelineInput {
  /** The schedule's name, for the record. */
  schedule?: string;
  /** 0: the nominal time's date (the morning run); 1: the next day (the evening run). */
  dateOffsetDays?: number;
  /** Run by hand for a given date instead. */
  gameDate?: string;
}

export interface ScheduledPipelineResult {
  gameDate: string;
  /** The time the date was derived from. */
  nominalTime: string;
  derivedFrom: 'TemporalScheduledStartTime' | 'workflow start time' | 'input';
  workflowId: string;
  outcome: 'started' | 'already exists';
  runId?: string;
}

/** The schedule's nominal time of this run, or undefined when it was not started by a schedule. */
export function scheduledStartTime(): Date | undefined {
  const info = workflowInfo();
  let value: unknown;
  try {
    value = info.typedSearchAttributes.get(ScheduledStartTimeKey);
  } catch {
    value = undefined;
  }
  value ??= info.searchAttributes?.TemporalScheduledStartTime?.[0];
  if (value === undefined || value === null) return undefined;
  const date = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export async function scheduledPipeline(input: ScheduledPipelineInput = {}): Promise<ScheduledPipelineResult> {
  const settings = await settingsActivity.loadRunSettings();
  // Checked where the plain check was (after the settings), so runs stuck on a bad date before replay to a failure.
  const asked = input.gameDate ? gameDateInput(input.gameDate) : undefined;
  if (!asked && input.dateOffsetDays !== undefined && !Number.isInteger(input.dateOffsetDays)) {
    throw ApplicationFailure.nonRetryable(
      `invalid dateOffsetDays ${JSON.stringify(input.dateOffsetDays)}: expected a whole number of days`,
      'InvalidInput',
    );
  }
  const nominal = scheduledStartTime();
  const base = nominal ?? workflowInfo().startTime;
  const gameDate = asked ?? scheduledGameDate(base, input.dateOffsetDays ?? 0, settings.timeZone);
  const result: Omit<ScheduledPipelineResult, 'outcome'> = {
    gameDate,
    nominalTime: base.toISOString(),
    derivedFrom: input.gameDate ? 'input' : nominal ? 'TemporalScheduledStartTime' : 'workflow start time',
    workflowId: pipelineWorkflowId(settings.workflowIdPrefix, gameDate),
  };
  try {
    const pipelineInput = { gameDate, startedBy: `schedule ${input.schedule ?? ''}`.trim() };
    const child = await startChild(gameDatePipeline, {
      workflowId: result.workflowId,
      args: [pipelineInput],
      ...dayStartSummary(pipelineInput),
      parentClosePolicy: ParentClosePolicy.ABANDON,
      // A closed date is not started again by a schedule: `gameday rerun` does that on purpose.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [{ key: GameDateKey, value: gameDate }],
    });
    log.info('scheduled pipeline started', { ...result, schedule: input.schedule });
    return { ...result, outcome: 'started', runId: child.firstExecutionRunId };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    log.info('scheduled pipeline already exists', { ...result, schedule: input.schedule });
    return { ...result, outcome: 'already exists' };
  }
}
