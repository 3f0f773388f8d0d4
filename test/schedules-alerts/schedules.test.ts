/** Temporal Schedules on the dev server: idempotent apply, backfilled dates, daylight-saving days. */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { dateInZone, wallClockMinutes } from '../../domain/dates';
import { pipelineWorkflowId } from '../../domain/run-settings';
import { desiredSchedules, scheduleId, type ScheduleName } from '../../schedules/definitions';
import { applySchedules, backfillSchedule, describeSchedules, matchingTimes } from '../../schedules/manage';
import type { ScheduledPipelineResult } from '../../workflows/scheduled-pipeline';
import { opsWorker } from '../helpers/ops-harness';
import { createDevServerEnv } from '../helpers/tools';

let env: TestWorkflowEnvironment;
let ops: Awaited<ReturnType<typeof opsWorker>>;
beforeAll(async () => {
  env = await createDevServerEnv();
  const prefix = `s${Date.now().toString(36)}-`;
  // No games: each backfilled date's pipeline ends NO_GAMES at once.
  ops = await opsWorker(env, { countScheduledGames: async () => 0 }, { schedules: { idPrefix: prefix } });
}, 120_000);
afterAll(async () => {
  for (const d of ops ? desiredSchedules(ops.config) : []) {
    await env.client.schedule
      .getHandle(d.scheduleId)
      .delete()
      .catch(() => undefined);
  }
  await env?.teardown();
});

test('schedule apply twice gives the same schedules; a config change updates only that schedule', async () => {
  const first = await applySchedules(env.client, ops.config);
  expect(first.map((r) => [r.name, r.outcome])).toEqual([
    ['pipeline-tomorrow', 'created'],
    ['pipeline-today', 'created'],
    ['self-heal', 'created'],
    ['daily-summary', 'created'],
  ]);
  const before = await describeSchedules(env.client, ops.config);
  const second = await applySchedules(env.client, ops.config);
  expect(second.map((r) => r.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
  const after = await describeSchedules(env.client, ops.config);
  const stable = (views: typeof before) => views.map(({ nextActionTimes: _n, recentActions: _r, ...rest }) => rest);
  expect(stable(after)).toEqual(stable(before));
  expect(after.every((v) => v.exists && v.inSyncWithConfig && !v.paused)).toBe(true);
  expect(after.map((v) => [v.name, v.times, v.overlap, v.catchupWindowMinutes])).toEqual([
    ['pipeline-tomorrow', ['18:00'], 'BUFFER_ALL', 360],
    ['pipeline-today', ['10:30'], 'BUFFER_ALL', 360],
    ['self-heal', ['12:45', '14:15'], 'SKIP', 360],
    ['daily-summary', ['08:30'], 'SKIP', 360],
  ]);

  // An operator pause survives apply; a changed time updates that schedule only.
  await env.client.schedule.getHandle(scheduleId(ops.config, 'self-heal')).pause('maintenance');
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
  await env.client.schedule.getHandle(scheduleId(ops.config, 'self-heal')).unpause('done');
  await applySchedules(env.client, ops.config);
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
  // The UTC offset changes across the week: the same local time is a different UTC hour.
  const evening = await matchingTimes(env.client, ops.config, 'pipeline-tomorrow', start, end);
  expect(new Set(evening.map((t) => t.getUTCHours())).size).toBe(2);
});

test('a backfilled range runs each date once, derived from the nominal fire time (not the wall clock)', async () => {
  await applySchedules(env.client, ops.config);
  await ops.worker.runUntil(async () => {
    const today = await backfillSchedule(env.client, ops.config, '2026-03-07', '2026-03-09', 'pipeline-today');
    const tomorrow = await backfillSchedule(env.client, ops.config, '2026-03-09', '2026-03-10', 'pipeline-tomorrow');
    expect(today.dates).toEqual(['2026-03-07', '2026-03-08', '2026-03-09']);
    // The evening schedule's fires for dates 03-09..03-10 are on 03-08 and 03-09 (DST starts on 03-08).
    expect(new Date(tomorrow.start).toISOString()).toBe('2026-03-08T05:00:00.000Z');

    const results: ScheduledPipelineResult[] = [];
    for (const [name, count] of [
      ['pipeline-today', 3],
      ['pipeline-tomorrow', 2],
    ] as const) {
      const handle = env.client.schedule.getHandle(scheduleId(ops.config, name));
      let actions: { workflowId: string }[] = [];
      for (let i = 0; i < 300 && actions.length < count; i++) {
        actions = (await handle.describe()).info.recentActions.map((a) => a.action.workflow);
        if (actions.length < count) await new Promise((r) => setTimeout(r, 200));
      }
      expect(actions).toHaveLength(count);
      for (const a of actions) results.push(await env.client.workflow.getHandle(a.workflowId).result());
    }
    expect(results.map((r) => [r.gameDate, r.derivedFrom])).toEqual([
      ['2026-03-07', 'TemporalScheduledStartTime'],
      ['2026-03-08', 'TemporalScheduledStartTime'],
      ['2026-03-09', 'TemporalScheduledStartTime'],
      ['2026-03-09', 'TemporalScheduledStartTime'],
      ['2026-03-10', 'TemporalScheduledStartTime'],
    ]);
    // One workflow per date: 03-09 came from both schedules; whichever ran first started it, the other found it.
    const started = results.filter((r) => r.outcome === 'started').map((r) => r.gameDate);
    expect(started.sort()).toEqual(['2026-03-07', '2026-03-08', '2026-03-09', '2026-03-10']);
    expect(results.filter((r) => r.outcome === 'already exists').map((r) => r.gameDate)).toEqual(['2026-03-09']);
    expect(results.map((r) => r.nominalTime)).toEqual([
      '2026-03-07T15:30:00.000Z',
      '2026-03-08T14:30:00.000Z',
      '2026-03-09T14:30:00.000Z',
      '2026-03-08T22:00:00.000Z',
      '2026-03-09T22:00:00.000Z',
    ]);
    for (const date of ['2026-03-07', '2026-03-08', '2026-03-09', '2026-03-10']) {
      const pipeline = env.client.workflow.getHandle(pipelineWorkflowId(ops.config.temporal.workflowIdPrefix, date));
      const state = (await pipeline.result()) as { status: string; gameDate: string };
      expect([state.gameDate, state.status]).toEqual([date, 'NO_GAMES']);
    }
  });
});
