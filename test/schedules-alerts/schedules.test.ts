/**
 * Temporal Schedules on the dev server: `gameday schedule apply` creates the daily rhythm from the config (the
 * evening schedule starts TOMORROW's date at 16:45 ET, before its first timer at D-1 17:00; the morning backstop
 * starts today's at 04:45), apply is idempotent, daylight-saving weeks fire once a day at the local time, and a
 * backfilled or triggered fire derives its date from its nominal time.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { addDays, dateInZone, wallClockMinutes } from '../../domain/dates';
import { pipelineWorkflowId } from '../../domain/run-settings';
import type { DayState } from '../../contracts/state';
import { desiredSchedules, scheduleId, type ScheduleName } from '../../schedules/definitions';
import {
  applySchedules,
  backfillSchedule,
  describeSchedules,
  matchingTimes,
  type ApplyResult,
  type ScheduleView,
} from '../../schedules/manage';
import type { ScheduledPipelineResult } from '../../workflows/scheduled-pipeline';
import { runCli } from '../cli/cli-harness';
import { opsWorker, type OpsWorker } from '../helpers/ops-harness';
import { createDevServerEnv } from '../helpers/tools';

let env: TestWorkflowEnvironment;
let ops: OpsWorker;
let running: Promise<void> | undefined;
/** The CLI's config file: this server, the ops worker's task queue and ID prefixes. */
let configFile: string;
beforeAll(async () => {
  env = await createDevServerEnv();
  const prefix = `s${Date.now().toString(36)}-`;
  // No games: each date a schedule starts ends NO_GAMES at once.
  ops = await opsWorker(env, { games: () => 0, config: { schedules: { idPrefix: prefix } } });
  running = ops.worker.run();
  configFile = join(mkdtempSync(join(tmpdir(), 'gameday-schedules-')), 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      temporal: {
        address: env.address,
        taskQueue: ops.taskQueue,
        workflowIdPrefix: ops.config.temporal.workflowIdPrefix,
      },
      schedules: { idPrefix: prefix },
    }),
  );
}, 120_000);
afterAll(async () => {
  if (ops?.worker.getState() === 'RUNNING') ops.worker.shutdown();
  await running?.catch(() => undefined);
  for (const d of ops ? desiredSchedules(ops.config) : []) {
    await env.client.schedule
      .getHandle(d.scheduleId)
      .delete()
      .catch(() => undefined);
  }
  await env?.teardown();
});

const cli = (args: string[]) => runCli(args, { GAMEDAY_CONFIG: configFile, GAMEDAY_USER: 'oncall' });
const stable = (views: ScheduleView[]) =>
  views.map(({ nextActionTimes: _n, recentActions: _r, numActionsTaken: _t, ...rest }) => rest);

test('`gameday schedule apply` creates the schedules from the config; again, it changes nothing; a config change updates one', async () => {
  const first = await cli(['schedule', 'apply', '--json']);
  expect(first.code).toBe(0);
  expect(first.json<{ schedules: ApplyResult[] }>().schedules.map((r) => [r.name, r.scheduleId, r.outcome])).toEqual(
    (['pipeline-tomorrow', 'pipeline-today', 'self-heal', 'daily-summary'] as const).map((name) => [
      name,
      scheduleId(ops.config, name),
      'created',
    ]),
  );
  const before = await describeSchedules(env.client, ops.config);
  expect(before.map((v) => [v.name, v.workflowType, v.times, v.timeZone, v.overlap, v.catchupWindowMinutes])).toEqual([
    ['pipeline-tomorrow', 'scheduledPipeline', ['16:45'], 'America/New_York', 'BUFFER_ALL', 360],
    ['pipeline-today', 'scheduledPipeline', ['04:45'], 'America/New_York', 'BUFFER_ALL', 360],
    ['self-heal', 'selfHeal', ['12:45', '14:15'], 'America/New_York', 'SKIP', 360],
    ['daily-summary', 'dailySummary', ['08:30'], 'America/New_York', 'SKIP', 360],
  ]);
  expect(before.every((v) => v.exists && v.inSyncWithConfig && !v.paused)).toBe(true);
  // The server's own spec: the evening schedule starts the next date, the morning one today's, in ET.
  const evening = await env.client.schedule.getHandle(scheduleId(ops.config, 'pipeline-tomorrow')).describe();
  expect(evening.spec.calendars?.map((c) => [c.hour, c.minute])).toEqual([
    [[{ start: 16, end: 16, step: 1 }], [{ start: 45, end: 45, step: 1 }]],
  ]);
  expect(evening.spec.timezone).toBe('America/New_York');
  expect(evening.action).toMatchObject({
    workflowType: 'scheduledPipeline',
    taskQueue: ops.taskQueue,
    args: [{ schedule: 'pipeline-tomorrow', dateOffsetDays: 1 }],
  });
  const morning = await env.client.schedule.getHandle(scheduleId(ops.config, 'pipeline-today')).describe();
  expect(morning.action).toMatchObject({ args: [{ schedule: 'pipeline-today', dateOffsetDays: 0 }] });

  const second = await cli(['schedule', 'apply', '--json']);
  expect(second.json<{ schedules: ApplyResult[] }>().schedules.map((r) => r.outcome)).toEqual([
    'unchanged',
    'unchanged',
    'unchanged',
    'unchanged',
  ]);
  expect(stable(await describeSchedules(env.client, ops.config))).toEqual(stable(before));

  // An operator pause survives apply; a changed time updates that schedule only.
  const paused = await cli(['schedule', 'pause', 'self-heal', '--reason', 'maintenance']);
  expect(paused.code).toBe(0);
  const changed = {
    ...ops.config,
    schedules: { ...ops.config.schedules, dailySummary: { ...ops.config.schedules.dailySummary, times: ['08:45'] } },
  };
  const third = await applySchedules(env.client, changed);
  expect(third.map((r) => [r.outcome, r.paused])).toEqual([
    ['unchanged', false],
    ['unchanged', false],
    ['unchanged', true],
    ['updated', false],
  ]);
  expect((await applySchedules(env.client, changed)).map((r) => r.outcome)).toEqual([
    'unchanged',
    'unchanged',
    'unchanged',
    'unchanged',
  ]);
  const described = await cli(['schedule', 'describe', '--json']);
  // The CLI's config still says 08:30: describe shows the difference (exit 0: every schedule exists).
  expect(described.code).toBe(0);
  const views = described.json<{ schedules: ScheduleView[] }>().schedules;
  expect(views.map((v) => [v.name, v.inSyncWithConfig, v.paused])).toEqual([
    ['pipeline-tomorrow', true, false],
    ['pipeline-today', true, false],
    ['self-heal', true, true],
    ['daily-summary', false, false],
  ]);
  expect(views[2].note).toBe('paused by oncall: maintenance');
  expect((await cli(['schedule', 'unpause', 'self-heal', '--reason', 'done'])).code).toBe(0);
  expect((await applySchedules(env.client, ops.config)).map((r) => r.outcome)).toEqual([
    'unchanged',
    'unchanged',
    'unchanged',
    'updated',
  ]);
  expect((await cli(['schedule', 'describe', 'no-such-schedule'])).code).toBe(3);
});

test.each([
  ['spring forward', '2026-03-05', '2026-03-12'],
  ['fall back', '2026-10-29', '2026-11-05'],
])('%s (%s..%s): every schedule fires exactly once per day at its local time', async (_label, from, to) => {
  await applySchedules(env.client, ops.config);
  const start = new Date(`${from}T12:00:00Z`);
  const end = new Date(`${to}T12:00:00Z`);
  const days = Math.round((end.getTime() - start.getTime()) / 86_400_000);
  for (const desired of desiredSchedules(ops.config)) {
    const times = await matchingTimes(env.client, ops.config, desired.name as ScheduleName, start, end);
    for (const hhmm of desired.times) {
      const [h, m] = hhmm.split(':').map(Number);
      const fires = times.filter((t) => wallClockMinutes(t) === h * 60 + m);
      const dates = fires.map((t) => dateInZone(t));
      expect(new Set(dates).size).toBe(fires.length); // never twice on one day
      expect(fires.length).toBeGreaterThanOrEqual(days); // never skipped
      expect(fires.length).toBeLessThanOrEqual(days + 1);
    }
    expect(
      times.every((t) =>
        desired.times.some((hhmm) => wallClockMinutes(t) === Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3))),
      ),
    ).toBe(true);
  }
  // The UTC offset changes across the week: 16:45 ET is a different UTC hour before and after.
  const evening = await matchingTimes(env.client, ops.config, 'pipeline-tomorrow', start, end);
  expect(new Set(evening.map((t) => t.getUTCHours())).size).toBe(2);
});

/** The schedule's actions whose nominal time is in [start, end], as their scheduledPipeline results. */
async function backfilledResults(
  name: ScheduleName,
  start: string,
  end: string,
  count: number,
): Promise<ScheduledPipelineResult[]> {
  const handle = env.client.schedule.getHandle(scheduleId(ops.config, name));
  let actions: { workflowId: string }[] = [];
  for (let i = 0; i < 300 && actions.length < count; i++) {
    actions = (await handle.describe()).info.recentActions
      .filter((a) => a.scheduledAt.toISOString() >= start && a.scheduledAt.toISOString() <= end)
      .map((a) => a.action.workflow);
    if (actions.length < count) await new Promise((r) => setTimeout(r, 200));
  }
  expect(actions).toHaveLength(count);
  const results: ScheduledPipelineResult[] = [];
  for (const a of actions) results.push(await env.client.workflow.getHandle(a.workflowId).result());
  return results;
}

test('a backfilled range runs each date once, derived from the nominal fire time: 16:45 starts the next date', async () => {
  await applySchedules(env.client, ops.config);
  {
    const today = await backfillSchedule(env.client, ops.config, '2026-03-07', '2026-03-09', 'pipeline-today');
    expect(today.dates).toEqual(['2026-03-07', '2026-03-08', '2026-03-09']);
    const backfilled = await cli([
      'schedule',
      'backfill',
      '2026-03-09',
      '2026-03-10',
      '--schedule',
      'pipeline-tomorrow',
      '--json',
    ]);
    expect(backfilled.code).toBe(0);
    const tomorrow = backfilled.json<{ dates: string[]; start: string; end: string }>();
    expect(tomorrow.dates).toEqual(['2026-03-09', '2026-03-10']);
    // Game dates 03-09..03-10 are the evening fires of 03-08 and 03-09 (daylight saving starts on 03-08).
    expect(tomorrow.start).toBe('2026-03-08T05:00:00.000Z');
    expect(tomorrow.end).toBe('2026-03-10T03:59:59.000Z');

    const results = [
      ...(await backfilledResults('pipeline-today', today.start, today.end, 3)),
      ...(await backfilledResults('pipeline-tomorrow', tomorrow.start, tomorrow.end, 2)),
    ];
    expect(results.map((r) => [r.gameDate, r.nominalTime, r.derivedFrom])).toEqual([
      ['2026-03-07', '2026-03-07T09:45:00.000Z', 'TemporalScheduledStartTime'], // 04:45 EST
      ['2026-03-08', '2026-03-08T08:45:00.000Z', 'TemporalScheduledStartTime'], // 04:45 EDT
      ['2026-03-09', '2026-03-09T08:45:00.000Z', 'TemporalScheduledStartTime'],
      ['2026-03-09', '2026-03-08T20:45:00.000Z', 'TemporalScheduledStartTime'], // 16:45 EDT the evening before
      ['2026-03-10', '2026-03-09T20:45:00.000Z', 'TemporalScheduledStartTime'],
    ]);
    // One workflow per date: 03-09 came from both schedules; whichever ran first started it, the other found it.
    expect(
      results
        .filter((r) => r.outcome === 'started')
        .map((r) => r.gameDate)
        .sort(),
    ).toEqual(['2026-03-07', '2026-03-08', '2026-03-09', '2026-03-10']);
    expect(results.filter((r) => r.outcome === 'already exists').map((r) => r.gameDate)).toEqual(['2026-03-09']);
    for (const date of ['2026-03-07', '2026-03-08', '2026-03-09', '2026-03-10']) {
      const pipeline = env.client.workflow.getHandle(pipelineWorkflowId(ops.config.temporal.workflowIdPrefix, date));
      const state = (await pipeline.result()) as DayState;
      expect([state.gameDate, state.status]).toEqual([date, 'NO_GAMES']);
    }
  }
});

test("a triggered evening fire starts tomorrow's date (by the fire time in ET)", async () => {
  await applySchedules(env.client, ops.config);
  {
    const before = Date.now();
    const triggered = await cli(['schedule', 'trigger', 'pipeline-tomorrow', '--json']);
    expect(triggered.code).toBe(0);
    const [result] = await backfilledResults(
      'pipeline-tomorrow',
      new Date(before - 1000).toISOString(),
      new Date(Date.now() + 60_000).toISOString(),
      1,
    );
    expect(result.gameDate).toBe(addDays(dateInZone(Date.parse(result.nominalTime)), 1));
    expect(result.workflowId).toBe(pipelineWorkflowId(ops.config.temporal.workflowIdPrefix, result.gameDate));
    const state = (await env.client.workflow.getHandle(result.workflowId).result()) as DayState;
    expect(state.status).toBe('NO_GAMES');
    // Started the evening before its date, the day begins with its first cycle.
    expect(state.cycle).toBe('tomorrow');
    expect(state.cycles.tomorrow.status).not.toBe('SKIPPED');
  }
});
