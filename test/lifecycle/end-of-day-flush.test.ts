/**
 * The end of the day writes what is left of the bookkeeping once: the flush goes through the delivery loops, so no
 * execution-log row is written twice and no alert raised twice, and the day completes with no bookkeeping activity
 * still open (a completion beside an open activity is refused by the server: a failed workflow task and a replay).
 * The day is the 2025-12-29 incident's overnight cycle: it ends degraded, with an alert and rows at its very end.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import type { ExecutionLogEvent } from '../../contracts/execution-log';
import type { AlertRequest } from '../../activities/alerts/alerts';
import { dayTimeInstant } from '../../domain/day-times';
import { createTimeSkippingEnv } from '../helpers/tools';
import { dayConfig, dayResult, dayWorker, deliver, endDays, skipTo, startDay } from '../helpers/day-harness';
import { fakePlatform } from '../helpers/fake-platform';
import { completion } from '../helpers/messages';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const T = temporal.api.enums.v1.EventType;

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await endDays();
  await env?.teardown();
});

const gameDate = '2025-12-29';

function inputsOf<T>(history: HistoryEvent[], activity: string): T[] {
  return history
    .map((e) => e.activityTaskScheduledEventAttributes)
    .filter((a) => a?.activityType?.name === activity)
    .map((a) => JSON.parse(Buffer.from(a?.input?.payloads?.[0]?.data ?? new Uint8Array()).toString()) as T);
}

test('the day ends with each log row and each alert delivered once, and nothing open when it completes', async () => {
  const config = await dayConfig(env, gameDate, 'D 16:30');
  const at = (time: string) => dayTimeInstant(gameDate, time, config.timeZone);
  const platform = fakePlatform({
    config,
    client: env.client,
    games: 11,
    silentPhase3: ['upcoming_team_game_context'],
  });
  const { worker, taskQueue } = await dayWorker(env, platform.activities);
  const { history, state } = await worker.runUntil(async () => {
    const handle = await startDay(env, taskQueue, { gameDate, cycle: 'overnight' });
    await deliver(env, handle, [completion(config, 3, 'upcoming_player_game_context', gameDate, at('D 05:30'))], 'u');
    await skipTo(env, handle, config, gameDate, 'D 23:40');
    const summaries = ['player_game_summary', 'team_defense_game_summary', 'team_offense_game_summary'];
    await deliver(
      env,
      handle,
      summaries.map((n) => completion(config, 3, n, gameDate, at('D 23:40'))),
      'box',
    );
    const result = await dayResult(env, handle);
    const events = (await env.client.workflow.getHandle(handle.workflowId).fetchHistory()).events ?? [];
    return { history: events, state: result };
  });

  expect(history[history.length - 1].eventType).toBe(T.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  expect(history.filter((e) => e.eventType === T.EVENT_TYPE_WORKFLOW_TASK_FAILED)).toEqual([]);

  const rows = inputsOf<ExecutionLogEvent[]>(history, 'writeExecutionLog').flat();
  const rowKeys = rows.map((row) => JSON.stringify(row));
  expect(rows.length).toBeGreaterThan(0);
  expect(new Set(rowKeys).size).toBe(rowKeys.length);
  // The rows recorded at the very end (the degraded cycle's alert) are among them.
  expect(rows.some((row) => row.processorName === 'gameday_alert')).toBe(true);

  const alertKeys = inputsOf<AlertRequest>(history, 'raiseAlert').map((a) => a.key);
  expect(alertKeys.length).toBeGreaterThan(0);
  expect(new Set(alertKeys).size).toBe(alertKeys.length);
  expect([...alertKeys].sort()).toEqual(state.alerts.map((a) => a.key).sort());
  expect(state.outbox).toEqual({ alertKeys: [], log: [] });
});
