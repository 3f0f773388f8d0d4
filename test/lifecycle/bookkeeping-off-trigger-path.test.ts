/**
 * Bookkeeping stays off the path to a trigger: while the data gate in front of phase 4 is being checked, no
 * execution-log write starts (its completion would wake a workflow task of its own, and the trigger would wait
 * behind it). Nor while phase 4's processors run one after another: the rows wait until the day is quiet (every
 * track parked in a wait) and go in one write, not one per processor. Search attributes likewise: no workflow task
 * that schedules a gate or a trigger also upserts them (the server would apply the upsert before dispatching it).
 */
import { temporal } from '@temporalio/proto';
import { dayTimeInstant } from '../../domain/day-times';
import { phaseColumn } from '../../workflows/day/day';
import { PipelinePhaseKey, PipelineStatusKey } from '../../contracts/search-attributes';
import { TRIGGER_ACTIVITIES } from '../../activities/firestore/shadow-guard';
import {
  dayConfig,
  dayState,
  dayWorker,
  deliver,
  settle,
  skipTo,
  startDay,
  useTimeSkippingDays,
} from '../helpers/day-harness';
import { fakePlatform } from '../helpers/fake-platform';
import { completion } from '../helpers/messages';
import { until } from '../helpers/until';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const T = temporal.api.enums.v1.EventType;

const days = useTimeSkippingDays();

const gameDate = '2025-12-29';
const GATE_ACTIVITIES = ['checkDataGate', 'runPrecomputeProcessorBehindGate'];
const PHASE4_CALLS = ['runPrecomputeProcessorBehindGate', 'runPrecomputeProcessor'];
const scheduledName = (e: HistoryEvent) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? '';

test('no log write or search-attribute upsert while the gate or the processors of phase 4 are at work; both follow when the day is quiet', async () => {
  const config = await dayConfig(days.env, gameDate, 'D 22:30');
  const at = (time: string) => dayTimeInstant(gameDate, time, config.timeZone);
  const platform = fakePlatform({
    config,
    client: days.env.client,
    overrides: {
      checkDataGate: async (request) => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return { ...request, enabled: true, passed: true, checks: [], recheckAfterMs: 300_000 };
      },
      runPrecomputeProcessor: async (request) => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        return { processor: request.className, status: 'success', recordCount: 300 };
      },
    },
  });
  const { worker, taskQueue } = await dayWorker(days.env, platform.activities);
  const history = await worker.runUntil(async () => {
    const handle = await startDay(days.env, taskQueue, { gameDate, cycle: 'overnight' });
    await skipTo(days.env, handle, config, gameDate, 'D 23:30');
    const expected = config.lifecycle.overnight.phase3.expected;
    await deliver(
      days.env,
      handle,
      expected.map((name) => completion(config, 3, name, gameDate, at('D 23:30'))),
      'p3',
    );
    await until(
      'the overnight phase 4 run',
      async () => {
        const phase4 = (await dayState(days.env, handle)).cycles.overnight.steps.find((s) => s.kind === 'phase4');
        return phase4?.status === 'DONE' ? phase4 : undefined;
      },
      60_000,
    );
    await settle(days.env, handle);
    const latest = days.env.client.workflow.getHandle(handle.workflowId);
    const state = await dayState(days.env, handle);
    const attributes = (await latest.describe()).typedSearchAttributes;
    // Caught up once the day is quiet: what the state says now.
    expect(attributes.get(PipelineStatusKey)).toBe(state.status);
    expect(attributes.get(PipelinePhaseKey)).toBe(state.currentPhase ? `phase${state.currentPhase}` : 'none');
    return (await latest.fetchHistory()).events ?? [];
  });

  const completedAt = (scheduled: HistoryEvent) =>
    history.findIndex(
      (e) =>
        e.eventType === T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED &&
        String(e.activityTaskCompletedEventAttributes?.scheduledEventId) === String(scheduled.eventId),
    );
  const writesBetween = (start: number, end: number) =>
    history.slice(start, end).filter((e) => scheduledName(e) === 'writeExecutionLog');
  // Phase 4's gate rides with its first call (runPrecomputeProcessorBehindGate); other phases' gates run alone.
  const gates = history.filter((e) => GATE_ACTIVITIES.includes(scheduledName(e)));
  expect(history.filter((e) => scheduledName(e) === 'runPrecomputeProcessorBehindGate')).toHaveLength(1);
  expect(gates.length).toBeGreaterThan(0);
  for (const gate of gates) {
    const start = history.indexOf(gate);
    const end = completedAt(gate);
    expect(end).toBeGreaterThan(start);
    expect(writesBetween(start, end)).toEqual([]);
  }
  const processors = history.filter((e) => PHASE4_CALLS.includes(scheduledName(e)));
  expect(processors.length).toBe(config.processors[4].length);
  const firstProcessorAt = history.indexOf(processors[0]);
  const lastProcessorDoneAt = completedAt(processors[processors.length - 1]);
  expect(lastProcessorDoneAt).toBeGreaterThan(firstProcessorAt);
  expect(writesBetween(firstProcessorAt, lastProcessorDoneAt)).toEqual([]);
  // Each workflow task's commands: the events from its completion to the next event that is not a command's.
  const onPath = new Set<string>(['checkDataGate', ...TRIGGER_ACTIVITIES]);
  const commandEvents = new Set([
    T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
    T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
    T.EVENT_TYPE_TIMER_STARTED,
    T.EVENT_TYPE_TIMER_CANCELED,
    T.EVENT_TYPE_MARKER_RECORDED,
    T.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED,
  ]);
  let tasksScheduling = 0;
  history.forEach((event, index) => {
    if (event.eventType !== T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) return;
    const commands: HistoryEvent[] = [];
    for (const next of history.slice(index + 1)) {
      if (!commandEvents.has(next.eventType ?? T.EVENT_TYPE_UNSPECIFIED)) break;
      commands.push(next);
    }
    if (!commands.some((c) => onPath.has(scheduledName(c)))) return;
    tasksScheduling += 1;
    expect(commands.filter((c) => c.eventType === T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)).toEqual([]);
  });
  // At least the five phase-4 calls' tasks were checked (the first of them carried the gate).
  expect(tasksScheduling).toBeGreaterThanOrEqual(config.processors[4].length);
  expect(history.some((e) => e.eventType === T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)).toBe(true);
  const phase4Done = platform.executionLog.find((row) => row.phase === phaseColumn(4) && row.status === 'complete');
  expect(phase4Done).toBeDefined();
  // The rows held back are written after the gate: the gate's own row among them.
  expect(platform.executionLog.some((row) => row.processorName === 'data_gate' && row.status === 'gate_passed')).toBe(
    true,
  );
  const lastGateAt = history.indexOf(gates[gates.length - 1]);
  expect(history.slice(lastGateAt).some((e) => scheduledName(e) === 'writeExecutionLog')).toBe(true);
}, 120_000);
