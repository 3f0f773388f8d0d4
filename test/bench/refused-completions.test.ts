/**
 * The season benchmark's count of refused workflow-task completions (scripts/bench/history.ts): how many, after which
 * of them the next completed task ended the run, and how much history the worker replayed after each.
 */
import { temporal } from '@temporalio/proto';
import { refusedCompletions, type HistoryEvent } from '../../scripts/bench/history';

const T = temporal.api.enums.v1.EventType;

const history = (...types: temporal.api.enums.v1.EventType[]): HistoryEvent[] =>
  types.map((eventType, i) => temporal.api.history.v1.HistoryEvent.fromObject({ eventId: i + 1, eventType }));

const task = [
  T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
  T.EVENT_TYPE_WORKFLOW_TASK_STARTED,
  T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
];
const refusedTask = [
  T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
  T.EVENT_TYPE_WORKFLOW_TASK_STARTED,
  T.EVENT_TYPE_WORKFLOW_TASK_FAILED,
];

test('a run without a failed task has nothing refused or replayed', () => {
  const events = history(T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, ...task, T.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  expect(refusedCompletions(events)).toEqual({ refused: 0, atRunEnd: 0, replayedEvents: 0 });
});

test('a continue-as-new refused twice counts twice at the run end, each replaying the events before it', () => {
  const events = history(
    T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, // 1
    ...task, // 2-4
    T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, // 5
    T.EVENT_TYPE_TIMER_FIRED, // 6
    ...refusedTask, // 7-9: failed at 9
    T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, // 10
    ...refusedTask, // 11-13: failed at 13
    ...task, // 14-16
    T.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, // 17
  );
  expect(refusedCompletions(events)).toEqual({ refused: 2, atRunEnd: 2, replayedEvents: 8 + 12 });
});

test('a refused task the run went on from is not at the run end', () => {
  const events = history(
    T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, // 1
    ...refusedTask, // 2-4: failed at 4
    ...task, // 5-7
    T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, // 8
    T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, // 9
    ...task, // 10-12
    T.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, // 13
  );
  expect(refusedCompletions(events)).toEqual({ refused: 1, atRunEnd: 0, replayedEvents: 3 });
});
