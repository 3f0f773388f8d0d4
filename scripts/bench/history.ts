/**
 * A date's workflow histories (every run, continue-as-new included): event counts, an estimate of the actions
 * Temporal Cloud bills, and the critical path between a signal and the next activity.
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Event = HistoryEvent;
const T = temporal.api.enums.v1.EventType;

export function eventMs(event: Event): number {
  const time = event.eventTime;
  return Number(time?.seconds ?? 0) * 1000 + (time?.nanos ?? 0) / 1e6;
}

/**
 * Every run's events, oldest run first: from the newest run back through each run's predecessor (continue-as-new),
 * so it needs no visibility store (the time-skipping server has none).
 */
export async function runHistories(client: Client, workflowId: string): Promise<Event[][]> {
  const histories: Event[][] = [];
  let runId: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    histories.unshift(events);
    runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
    if (!runId) break;
  }
  return histories;
}

/** What Temporal Cloud bills an action for, as `actionsByKind` counts them. */
export type ActionKind =
  | 'run starts'
  | 'signals'
  | 'activities'
  | 'activity retries'
  | 'timers'
  | 'search-attribute upserts'
  | 'memo upserts'
  | 'updates'
  | 'signals to other workflows'
  | 'child workflows'
  | 'local-activity tasks';

const ACTION_OF_EVENT = new Map<unknown, ActionKind>([
  [T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, 'run starts'],
  [T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, 'signals'],
  [T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, 'activities'],
  [T.EVENT_TYPE_TIMER_STARTED, 'timers'],
  [T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, 'search-attribute upserts'],
  [T.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED, 'memo upserts'],
  [T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED, 'updates'],
  [T.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED, 'signals to other workflows'],
  [T.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED, 'child workflows'],
]);

/** The marker the TypeScript SDK records for a local activity's result (a patch records `core_patch`). */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';
/** The search attribute a patch upserts: exempt from billing. */
const CHANGE_VERSION_ATTRIBUTE = 'TemporalChangeVersion';

function versioningOnly(e: Event): boolean {
  const fields = Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {});
  return fields.length > 0 && fields.every((field) => field === CHANGE_VERSION_ATTRIBUTE);
}

export interface ActionCounts {
  /** Actions of each kind that occurred (kinds with none are absent). */
  kinds: Map<ActionKind, number>;
  /** The 'activities' kind by activity type. */
  activityTypes: Map<string, number>;
}

/**
 * Billable actions as Temporal Cloud counts them, estimated from history, by kind: each run's start (so
 * continue-as-new), signals received, activities scheduled plus their retries, timers, search-attribute and memo
 * upserts, accepted updates, external signals and child starts; local activities one per workflow task that ran any.
 * Not billed: a patch's marker and its upsert of `TemporalChangeVersion` (versioning is exempt). Queries and
 * heartbeats are not counted (queries leave no event; heartbeats are throttled and rare here).
 */
export function actionsByKind(events: Event[]): ActionCounts {
  const kinds = new Map<ActionKind, number>();
  const activityTypes = new Map<string, number>();
  const add = <K>(map: Map<K, number>, key: K, n = 1) => {
    if (n > 0) map.set(key, (map.get(key) ?? 0) + n);
  };
  let localInTask = false;
  for (const e of events) {
    const kind = ACTION_OF_EVENT.get(e.eventType);
    if (kind && !(kind === 'search-attribute upserts' && versioningOnly(e))) add(kinds, kind);
    if (e.eventType === T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
      add(activityTypes, e.activityTaskScheduledEventAttributes?.activityType?.name ?? '(unnamed)');
    } else if (e.eventType === T.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
      add(kinds, 'activity retries', (e.activityTaskStartedEventAttributes?.attempt ?? 1) - 1);
    } else if (e.eventType === T.EVENT_TYPE_MARKER_RECORDED) {
      if (e.markerRecordedEventAttributes?.markerName !== LOCAL_ACTIVITY_MARKER) continue;
      if (!localInTask) add(kinds, 'local-activity tasks');
      localInTask = true;
    } else if (e.eventType === T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
      localInTask = false;
    }
  }
  return { kinds, activityTypes };
}

/** `actionsByKind` of several histories (every run of a day) added together. */
export function actionsOfRuns(histories: Event[][]): ActionCounts {
  const total: ActionCounts = { kinds: new Map(), activityTypes: new Map() };
  for (const counts of histories.map(actionsByKind)) {
    for (const [kind, n] of counts.kinds) total.kinds.set(kind, (total.kinds.get(kind) ?? 0) + n);
    for (const [type, n] of counts.activityTypes)
      total.activityTypes.set(type, (total.activityTypes.get(type) ?? 0) + n);
  }
  return total;
}

/** The billable actions of `events`, all kinds together (`actionsByKind`). */
export function estimateActions(events: Event[]): number {
  return [...actionsByKind(events).kinds.values()].reduce((a, b) => a + b, 0);
}

/** How much work `events` hold: events, workflow tasks started (refused ones too) and activities scheduled. */
export function taskCounts(events: Event[]): { events: number; workflowTasks: number; activities: number } {
  const count = (type: temporal.api.enums.v1.EventType) => events.filter((e) => e.eventType === type).length;
  return {
    events: events.length,
    workflowTasks: count(T.EVENT_TYPE_WORKFLOW_TASK_STARTED),
    activities: count(T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
  };
}

const RUN_ENDS: unknown[] = [
  T.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
  T.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
  T.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
];

/**
 * Workflow tasks whose completion the server refused (`WORKFLOW_TASK_FAILED`, e.g. `UnhandledCommand`: an event
 * landed while the task was being processed), after how many of them the next completed task ended the run (a
 * lower bound of the refused run ends: a retry can first act on what landed), and the events before each: the worker
 * drops the run from its cache on a failed task and replays that much history to go on.
 */
export function refusedCompletions(events: Event[]): { refused: number; atRunEnd: number; replayedEvents: number } {
  let refused = 0;
  let atRunEnd = 0;
  let replayedEvents = 0;
  for (const [i, e] of events.entries()) {
    if (e.eventType !== T.EVENT_TYPE_WORKFLOW_TASK_FAILED) continue;
    refused += 1;
    replayedEvents += Number(e.eventId) - 1;
    const completed = events.findIndex((n, j) => j > i && n.eventType === T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
    const after = completed < 0 ? [] : events.slice(completed + 1);
    const next = after.findIndex((n) => n.eventType === T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    if ((next < 0 ? after : after.slice(0, next)).some((n) => RUN_ENDS.includes(n.eventType))) atRunEnd += 1;
  }
  return { refused, atRunEnd, replayedEvents };
}

export interface CriticalPath {
  /** Server time of the signal that completed the rule, and of the next phase's activity being scheduled. */
  signalAt: number;
  scheduledAt: number;
  /** Scheduled -> completed of the data gate's activity between the two. */
  gateMs: number;
  /** Activities scheduled and completed between the two. */
  completedBetween: string[];
  /** What woke the workflow task that scheduled the call: the last thing the workflow waited for. */
  wokenBy: string;
  /** Workflow tasks from the signal to the call. */
  workflowTasks: number;
  /** Their processing time (started -> completed), summed: the worker running workflow code. */
  workflowTaskMs: number;
}

/** The path from the last signal before the first call of one of `activities` to that call being scheduled. */
export function criticalPath(events: Event[], activities: string[]): CriticalPath | undefined {
  const name = (e: Event) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? '';
  const target = events.findIndex(
    (e) => e.eventType === T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED && activities.includes(name(e)),
  );
  if (target < 0) return undefined;
  let signal = target;
  while (signal >= 0 && events[signal].eventType !== T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED) signal -= 1;
  if (signal < 0) return undefined;
  const between = events.slice(signal, target);
  const scheduled = new Map<string, Event>();
  for (const e of between) {
    if (e.eventType === T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) scheduled.set(String(e.eventId), e);
  }
  let gateMs = 0;
  const completedBetween: string[] = [];
  const describe = (e: Event): string => {
    if (e.eventType === T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
      const from = scheduled.get(String(e.activityTaskCompletedEventAttributes?.scheduledEventId));
      return from ? name(from) : 'an activity';
    }
    if (e.eventType === T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED) return 'the signal';
    return e.eventType === T.EVENT_TYPE_TIMER_FIRED ? 'a timer' : 'a failure';
  };
  for (const e of between) {
    if (e.eventType !== T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) continue;
    const from = scheduled.get(String(e.activityTaskCompletedEventAttributes?.scheduledEventId));
    if (!from) continue;
    completedBetween.push(name(from));
    if (name(from) === 'checkDataGate') gateMs += eventMs(e) - eventMs(from);
  }
  // The workflow task that scheduled the call, and the events that arrived before it was scheduled.
  let task = target;
  while (task > signal && events[task].eventType !== T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED) task -= 1;
  let previous = task - 1;
  while (previous > signal && events[previous].eventType !== T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) previous -= 1;
  const wakes = [
    T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
    T.EVENT_TYPE_ACTIVITY_TASK_FAILED,
    T.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
    T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
    T.EVENT_TYPE_TIMER_FIRED,
  ];
  const wokenBy =
    events
      .slice(previous + 1, task)
      .filter((e) => wakes.includes(e.eventType as never))
      .map(describe)
      .join(' + ') || 'the signal';
  const workflowTasks = between.filter((e) => e.eventType === T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED).length;
  let workflowTaskMs = 0;
  let taskStarted: number | undefined;
  for (const e of events.slice(signal, target)) {
    if (e.eventType === T.EVENT_TYPE_WORKFLOW_TASK_STARTED) taskStarted = eventMs(e);
    if (e.eventType === T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED && taskStarted !== undefined) {
      workflowTaskMs += eventMs(e) - taskStarted;
      taskStarted = undefined;
    }
  }
  return {
    signalAt: eventMs(events[signal]),
    scheduledAt: eventMs(events[target]),
    gateMs,
    completedBetween,
    wokenBy,
    workflowTasks,
    workflowTaskMs,
  };
}
