/**
 * The benchmarks' estimate of Temporal Cloud's billable actions from a history (scripts/bench/history.ts): what counts,
 * by kind, and what is exempt (a patch's marker and its `TemporalChangeVersion` upsert).
 */
import { temporal } from '@temporalio/proto';
import { actionsByKind, estimateActions, type HistoryEvent } from '../../scripts/bench/history';

const T = temporal.api.enums.v1.EventType;
type EventFields = Omit<temporal.api.history.v1.IHistoryEvent, 'eventId'>;

const history = (...events: EventFields[]): HistoryEvent[] =>
  events.map((event, i) => temporal.api.history.v1.HistoryEvent.fromObject({ ...event, eventId: i + 1 }));

const task: EventFields[] = [
  { eventType: T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED },
  { eventType: T.EVENT_TYPE_WORKFLOW_TASK_STARTED },
  { eventType: T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED },
];
const marker = (markerName: string): EventFields => ({
  eventType: T.EVENT_TYPE_MARKER_RECORDED,
  markerRecordedEventAttributes: { markerName },
});
const upsert = (...fields: string[]): EventFields => ({
  eventType: T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
  upsertWorkflowSearchAttributesEventAttributes: {
    searchAttributes: { indexedFields: Object.fromEntries(fields.map((f) => [f, { data: Buffer.from('"x"') }])) },
  },
});
const activity = (name: string): EventFields => ({
  eventType: T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
  activityTaskScheduledEventAttributes: { activityType: { name } },
});
const started = (attempt: number): EventFields => ({
  eventType: T.EVENT_TYPE_ACTIVITY_TASK_STARTED,
  activityTaskStartedEventAttributes: { attempt },
});

test('each kind is counted once per occurrence; retries beyond the first attempt; activities by type', () => {
  const events = history(
    { eventType: T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED },
    ...task,
    activity('runPrecomputeProcessor'),
    activity('runPrecomputeProcessor'),
    activity('raiseAlert'),
    { eventType: T.EVENT_TYPE_TIMER_STARTED },
    upsert('PipelineStatus', 'PipelinePhase'),
    { eventType: T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED },
    started(3),
    started(1),
    started(1),
    ...task,
    { eventType: T.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW },
  );
  const { kinds, activityTypes } = actionsByKind(events);
  expect(Object.fromEntries(kinds)).toEqual({
    'run starts': 1,
    activities: 3,
    'activity retries': 2,
    timers: 1,
    'search-attribute upserts': 1,
    signals: 1,
  });
  expect(Object.fromEntries(activityTypes)).toEqual({ runPrecomputeProcessor: 2, raiseAlert: 1 });
  expect(estimateActions(events)).toBe(9);
});

test('local activities count once per workflow task that recorded any; patches and their change version do not count', () => {
  const events = history(
    { eventType: T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED },
    ...task,
    marker('core_patch'),
    upsert('TemporalChangeVersion'),
    marker('core_local_activity'),
    marker('core_local_activity'),
    ...task,
    marker('core_patch'),
    upsert('TemporalChangeVersion'),
    ...task,
    marker('core_local_activity'),
  );
  expect(Object.fromEntries(actionsByKind(events).kinds)).toEqual({ 'run starts': 1, 'local-activity tasks': 2 });
  expect(estimateActions(events)).toBe(3);
});

test('an upsert that sets a search attribute beside the change version counts', () => {
  const events = history(upsert('TemporalChangeVersion', 'PipelineStatus'), upsert('TemporalChangeVersion'));
  expect(estimateActions(events)).toBe(1);
});
