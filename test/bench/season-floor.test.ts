/**
 * The season floor's shape (scripts/bench/season-floor.ts): the pipeline's mean work per date, and the counts of
 * that work read from a history (scripts/bench/history.ts).
 */
import { temporal } from '@temporalio/proto';
import { taskCounts, type HistoryEvent } from '../../scripts/bench/history';
import { floorShape } from '../../scripts/bench/season-floor';

const T = temporal.api.enums.v1.EventType;

const history = (...types: temporal.api.enums.v1.EventType[]): HistoryEvent[] =>
  types.map((eventType, i) => temporal.api.history.v1.HistoryEvent.fromObject({ eventId: i + 1, eventType }));

test('the floor runs as many runs per date as the pipeline, its mean activities spread over them', () => {
  expect(floorShape({ activities: [38, 40, 41], runs: [3, 3, 3] })).toEqual({ runsPerDate: 3, activitiesPerRun: 13 });
  expect(floorShape({ activities: [20, 24], runs: [2, 2] })).toEqual({ runsPerDate: 2, activitiesPerRun: 11 });
});

test('a floor never has less than one run or one activity', () => {
  expect(floorShape({ activities: [0], runs: [1] })).toEqual({ runsPerDate: 1, activitiesPerRun: 1 });
  expect(floorShape({ activities: [], runs: [] })).toEqual({ runsPerDate: 1, activitiesPerRun: 1 });
});

test('task counts: workflow tasks started (a refused one too) and activities scheduled', () => {
  const events = history(
    T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
    T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
    T.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
    T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
    T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
    T.EVENT_TYPE_ACTIVITY_TASK_STARTED,
    T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
    T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
    T.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    T.EVENT_TYPE_WORKFLOW_TASK_FAILED,
    T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
    T.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
    T.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
  );
  expect(taskCounts(events)).toEqual({ events: 15, workflowTasks: 3, activities: 2 });
});
