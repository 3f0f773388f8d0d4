/**
 * The platform's daily rhythm as Temporal Schedules, derived from the typed config. Pure: no client here.
 *
 * Policies (explicit, the same for every apply):
 * - pipeline schedules: overlap BUFFER_ALL. Each fire is a different date and the scheduledPipeline run only
 *   starts (or finds) the date's workflow, so nothing is dropped; a date never runs twice at once because its
 *   pipeline's workflow ID is the date (`gameday-<date>`).
 * - self-heal and daily summary: overlap SKIP. A run still waiting (e.g. for a worker that is down) already
 *   checks the current state when it runs, so a second queued copy adds nothing.
 * - catch-up window `schedules.catchupWindowMinutes` (6 h by default): a fire missed while the Temporal server was
 *   unreachable is still taken when it is back; a fire whose worker was down is started by the server anyway and
 *   waits on the task queue until the worker returns (no workflow timeouts are set).
 * - calendar specs in `timeZone` (America/New_York) at times outside 01:00-02:59, so daylight-saving days fire
 *   exactly once (the schema refuses those times).
 */
import { createHash } from 'node:crypto';
import type { CalendarSpec, ScheduleOptions, ScheduleOverlapPolicy } from '@temporalio/client';
import type { GamedayConfig } from '../config/schema';

export const SCHEDULE_NAMES = ['pipeline-tomorrow', 'pipeline-today', 'self-heal', 'daily-summary'] as const;
export type ScheduleName = (typeof SCHEDULE_NAMES)[number];
export const PIPELINE_SCHEDULES: readonly ScheduleName[] = ['pipeline-tomorrow', 'pipeline-today'];

export interface DesiredSchedule {
  name: ScheduleName;
  scheduleId: string;
  enabled: boolean;
  description: string;
  times: string[];
  timeZone: string;
  workflowType: 'scheduledPipeline' | 'selfHeal' | 'dailySummary';
  args: unknown[];
  overlap: ScheduleOverlapPolicy;
  catchupWindowMs: number;
  /** Pipeline schedules: the date offset from the fire time's date. */
  dateOffsetDays?: number;
  /** Hash of everything above that reaches the server: equal fingerprints mean nothing to update. */
  fingerprint: string;
}

/** The memo key on each schedule's action that holds the fingerprint of the config it was applied from. */
export const FINGERPRINT_MEMO = 'gamedayScheduleFingerprint';

export function scheduleId(config: GamedayConfig, name: ScheduleName): string {
  return `${config.schedules.idPrefix}${name}`;
}

export function parseScheduleName(input: string, config: GamedayConfig): ScheduleName {
  const bare = input.startsWith(config.schedules.idPrefix) ? input.slice(config.schedules.idPrefix.length) : input;
  const found = SCHEDULE_NAMES.find((n) => n === bare);
  if (!found)
    throw new Error(`unknown schedule ${JSON.stringify(input)}: expected one of ${SCHEDULE_NAMES.join(', ')}`);
  return found;
}

export function desiredSchedules(config: GamedayConfig): DesiredSchedule[] {
  const s = config.schedules;
  const catchupWindowMs = s.catchupWindowMinutes * 60_000;
  const rows: Omit<DesiredSchedule, 'scheduleId' | 'fingerprint' | 'timeZone' | 'catchupWindowMs'>[] = [
    {
      name: 'pipeline-tomorrow',
      enabled: s.pipelineTomorrow.enabled,
      description: "evening: start tomorrow's pipeline",
      times: s.pipelineTomorrow.times,
      workflowType: 'scheduledPipeline',
      args: [{ schedule: 'pipeline-tomorrow', dateOffsetDays: s.pipelineTomorrow.dateOffsetDays }],
      overlap: 'BUFFER_ALL',
      dateOffsetDays: s.pipelineTomorrow.dateOffsetDays,
    },
    {
      name: 'pipeline-today',
      enabled: s.pipelineToday.enabled,
      description: "morning: start (or attach to) today's pipeline",
      times: s.pipelineToday.times,
      workflowType: 'scheduledPipeline',
      args: [{ schedule: 'pipeline-today', dateOffsetDays: s.pipelineToday.dateOffsetDays }],
      overlap: 'BUFFER_ALL',
      dateOffsetDays: s.pipelineToday.dateOffsetDays,
    },
    {
      name: 'self-heal',
      enabled: s.selfHeal.enabled,
      description: 'self-heal yesterday, today and tomorrow',
      times: s.selfHeal.times,
      workflowType: 'selfHeal',
      args: [{}],
      overlap: 'SKIP',
    },
    {
      name: 'daily-summary',
      enabled: s.dailySummary.enabled,
      description: 'daily summary by email/Slack',
      times: s.dailySummary.times,
      workflowType: 'dailySummary',
      args: [{}],
      overlap: 'SKIP',
    },
  ];
  return rows.map((row) => {
    const full = {
      ...row,
      scheduleId: scheduleId(config, row.name),
      timeZone: config.timeZone,
      catchupWindowMs,
    };
    const fingerprint = createHash('sha256')
      .update(
        JSON.stringify({
          times: full.times,
          timeZone: full.timeZone,
          workflowType: full.workflowType,
          args: full.args,
          overlap: full.overlap,
          catchupWindowMs,
          taskQueue: config.temporal.taskQueue,
          workflowId: full.scheduleId,
          summary: full.description,
        }),
      )
      .digest('hex')
      .slice(0, 16);
    return { ...full, fingerprint };
  });
}

export function calendarsFor(times: string[], description: string): CalendarSpec[] {
  return times.map((time) => {
    const [hour, minute] = time.split(':').map(Number);
    return { hour, minute, comment: `${time} ${description}` };
  });
}

/** The create options of one schedule (update uses the same minus the ID). */
export function scheduleOptions(desired: DesiredSchedule, config: GamedayConfig): ScheduleOptions {
  return {
    scheduleId: desired.scheduleId,
    spec: {
      calendars: calendarsFor(desired.times, desired.description),
      timezone: desired.timeZone,
      jitter: 0,
    },
    action: {
      type: 'startWorkflow',
      workflowType: desired.workflowType,
      args: desired.args,
      taskQueue: config.temporal.taskQueue,
      // The server appends the nominal time: gameday-schedule-pipeline-today-2026-03-08T14:30:00Z.
      workflowId: desired.scheduleId,
      staticSummary: `schedule ${desired.name}: ${desired.description}`,
      memo: { [FINGERPRINT_MEMO]: desired.fingerprint },
    },
    policies: { overlap: desired.overlap, catchupWindow: desired.catchupWindowMs, pauseOnFailure: false },
    memo: { description: desired.description },
  };
}
