/** `gameday schedule ...`: apply (idempotent), describe, pause, unpause, trigger, backfill, matching times. */
import { ScheduleNotFoundError, type Client, type ScheduleDescription } from '@temporalio/client';
import { msToTs, tsToDate } from '@temporalio/common/lib/time';
import type { temporal } from '@temporalio/proto';
import type { GamedayConfig } from '../config/schema';
import { addDays, assertGameDate, zonedTimeToInstant } from '../domain/dates';
import {
  desiredSchedules,
  FINGERPRINT_MEMO,
  PIPELINE_SCHEDULES,
  scheduleId,
  scheduleOptions,
  type DesiredSchedule,
  type ScheduleName,
} from './definitions';

export type ApplyOutcome = 'created' | 'updated' | 'unchanged' | 'deleted' | 'absent';

export interface ApplyResult {
  name: ScheduleName;
  scheduleId: string;
  outcome: ApplyOutcome;
  /** Kept as the operator left it: apply never pauses or unpauses. */
  paused?: boolean;
}

async function describeOrUndefined(client: Client, id: string): Promise<ScheduleDescription | undefined> {
  try {
    return await client.schedule.getHandle(id).describe();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return undefined;
    throw err;
  }
}

function fingerprintOf(description: ScheduleDescription): unknown {
  return description.action.memo?.[FINGERPRINT_MEMO];
}

/**
 * Creates or updates every configured schedule so it matches the config; a disabled one is deleted. Running it
 * twice changes nothing the second time (each action carries the fingerprint of the config it came from).
 */
export async function applySchedules(client: Client, config: GamedayConfig): Promise<ApplyResult[]> {
  const results: ApplyResult[] = [];
  for (const desired of desiredSchedules(config)) {
    const current = await describeOrUndefined(client, desired.scheduleId);
    const base = { name: desired.name, scheduleId: desired.scheduleId };
    if (!desired.enabled) {
      if (current) await client.schedule.getHandle(desired.scheduleId).delete();
      results.push({ ...base, outcome: current ? 'deleted' : 'absent' });
      continue;
    }
    const options = scheduleOptions(desired, config);
    if (!current) {
      await client.schedule.create({ ...options, state: { note: `created by gameday schedule apply` } });
      results.push({ ...base, outcome: 'created', paused: false });
      continue;
    }
    if (fingerprintOf(current) === desired.fingerprint && samePolicies(current, desired)) {
      results.push({ ...base, outcome: 'unchanged', paused: current.state.paused });
      continue;
    }
    await client.schedule.getHandle(desired.scheduleId).update((previous) => ({
      spec: options.spec,
      action: options.action,
      policies: options.policies,
      state: { paused: previous.state.paused, note: previous.state.note },
    }));
    results.push({ ...base, outcome: 'updated', paused: current.state.paused });
  }
  return results;
}

function samePolicies(current: ScheduleDescription, desired: DesiredSchedule): boolean {
  return current.policies.overlap === desired.overlap && current.policies.catchupWindow === desired.catchupWindowMs;
}

export interface ScheduleView {
  name: ScheduleName;
  scheduleId: string;
  exists: boolean;
  enabledInConfig: boolean;
  inSyncWithConfig?: boolean;
  paused?: boolean;
  note?: string;
  times: string[];
  timeZone: string;
  workflowType: string;
  overlap?: string;
  catchupWindowMinutes?: number;
  nextActionTimes: string[];
  recentActions: { scheduledAt: string; takenAt: string; workflowId: string }[];
  numActionsTaken?: number;
  numActionsMissedCatchupWindow?: number;
  numActionsSkippedOverlap?: number;
}

export async function describeSchedules(
  client: Client,
  config: GamedayConfig,
  names?: ScheduleName[],
): Promise<ScheduleView[]> {
  const views: ScheduleView[] = [];
  for (const desired of desiredSchedules(config)) {
    if (names && !names.includes(desired.name)) continue;
    const current = await describeOrUndefined(client, desired.scheduleId);
    const view: ScheduleView = {
      name: desired.name,
      scheduleId: desired.scheduleId,
      exists: Boolean(current),
      enabledInConfig: desired.enabled,
      times: desired.times,
      timeZone: desired.timeZone,
      workflowType: desired.workflowType,
      nextActionTimes: [],
      recentActions: [],
    };
    if (current) {
      Object.assign(view, {
        inSyncWithConfig: fingerprintOf(current) === desired.fingerprint && samePolicies(current, desired),
        paused: current.state.paused,
        note: current.state.note,
        overlap: current.policies.overlap,
        catchupWindowMinutes: current.policies.catchupWindow / 60_000,
        nextActionTimes: current.info.nextActionTimes.map((d) => d.toISOString()),
        recentActions: current.info.recentActions.map((a) => ({
          scheduledAt: a.scheduledAt.toISOString(),
          takenAt: a.takenAt.toISOString(),
          workflowId: a.action.workflow.workflowId,
        })),
        numActionsTaken: current.info.numActionsTaken,
        numActionsMissedCatchupWindow: current.info.numActionsMissedCatchupWindow,
        numActionsSkippedOverlap: current.info.numActionsSkippedOverlap,
      });
    }
    views.push(view);
  }
  return views;
}

function targets(config: GamedayConfig, names?: ScheduleName[]): DesiredSchedule[] {
  return desiredSchedules(config).filter((d) => d.enabled && (!names?.length || names.includes(d.name)));
}

/** Pauses or unpauses the configured schedules (all, or the named ones) with the operator's note. */
async function setPaused(
  client: Client,
  config: GamedayConfig,
  names: ScheduleName[] | undefined,
  note: string,
  paused: boolean,
): Promise<string[]> {
  const done: string[] = [];
  for (const d of targets(config, names)) {
    const handle = client.schedule.getHandle(d.scheduleId);
    await (paused ? handle.pause(note) : handle.unpause(note));
    done.push(d.scheduleId);
  }
  return done;
}

export const pauseSchedules = (
  client: Client,
  config: GamedayConfig,
  names: ScheduleName[] | undefined,
  note: string,
) => setPaused(client, config, names, note, true);

export const unpauseSchedules = (
  client: Client,
  config: GamedayConfig,
  names: ScheduleName[] | undefined,
  note: string,
) => setPaused(client, config, names, note, false);

/** Takes the schedule's action now (its date derives from now); overlap ALLOW_ALL: a manual run is never dropped. */
export async function triggerSchedule(client: Client, config: GamedayConfig, name: ScheduleName): Promise<string> {
  const id = scheduleId(config, name);
  await client.schedule.getHandle(id).trigger('ALLOW_ALL');
  return id;
}

export interface BackfillPlan {
  scheduleId: string;
  name: ScheduleName;
  /** The game dates the backfilled runs will work on. */
  dates: string[];
  start: string;
  end: string;
}

/**
 * The nominal-time window whose fires of a pipeline schedule derive the game dates FROM..TO (inclusive): fire days
 * FROM-offset .. TO-offset, midnight to midnight in the platform's zone.
 */
export function backfillPlan(config: GamedayConfig, from: string, to: string, name: ScheduleName): BackfillPlan {
  assertGameDate(from, 'FROM date');
  assertGameDate(to, 'TO date');
  if (to < from) throw new Error(`backfill range is empty: ${from} is after ${to}`);
  const desired = desiredSchedules(config).find((d) => d.name === name);
  if (!desired || !PIPELINE_SCHEDULES.includes(name) || desired.dateOffsetDays === undefined) {
    throw new Error(`backfill works on the pipeline schedules (${PIPELINE_SCHEDULES.join(', ')}), not ${name}`);
  }
  const offset = desired.dateOffsetDays;
  const dates: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    dates.push(d);
    if (dates.length > 366) throw new Error('backfill at most 366 dates at once');
  }
  const start = zonedTimeToInstant(addDays(from, -offset), '00:00', config.timeZone);
  const end = new Date(zonedTimeToInstant(addDays(to, 1 - offset), '00:00', config.timeZone).getTime() - 1000);
  return { scheduleId: desired.scheduleId, name, dates, start: start.toISOString(), end: end.toISOString() };
}

/** Runs the schedule's fires of the window now, one after another (BUFFER_ALL), each with its own nominal time. */
export async function backfillSchedule(
  client: Client,
  config: GamedayConfig,
  from: string,
  to: string,
  name: ScheduleName = 'pipeline-today',
): Promise<BackfillPlan> {
  const plan = backfillPlan(config, from, to, name);
  await client.schedule
    .getHandle(plan.scheduleId)
    .backfill({ start: new Date(plan.start), end: new Date(plan.end), overlap: 'BUFFER_ALL' });
  return plan;
}

/** The times the server's spec matches in [start, end]: the DST check of `describe --between`. */
export async function matchingTimes(
  client: Client,
  config: GamedayConfig,
  name: ScheduleName,
  start: Date,
  end: Date,
): Promise<Date[]> {
  const response: temporal.api.workflowservice.v1.IListScheduleMatchingTimesResponse =
    await client.workflowService.listScheduleMatchingTimes({
      namespace: client.options.namespace,
      scheduleId: scheduleId(config, name),
      startTime: msToTs(start.getTime()),
      endTime: msToTs(end.getTime()),
    });
  return (response.startTime ?? []).map((t) => tsToDate(t));
}
