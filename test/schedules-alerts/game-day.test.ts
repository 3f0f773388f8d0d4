/** A simulated game day on the time-skipping server: stuck and deadline alerts, self-heal. */
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { addDays, dateInZone, zonedTimeToInstant } from '../../domain/dates';
import { pipelineWorkflowId } from '../../domain/run-settings';
import { pipelineStateQuery } from '../../workflows/definitions';
import type { AlertChannel, Notification } from '../../activities/alerts/alerts';
import { dailySummary, selfHeal } from '../../workflows';
import { opsWorker } from '../helpers/ops-harness';
import { analyticsCompletions, signalAll, upstreamCompletions } from '../helpers/pipeline-harness';
import { createTimeSkippingEnv } from '../helpers/tools';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

const MINUTE = 60_000;
/** Tomorrow in America/New_York by the test server's clock, and that date's 2 PM ET deadline. */
async function tomorrow(): Promise<{ date: string; deadline: number }> {
  const date = addDays(dateInZone(await env.currentTimeMs()), 1);
  return { date, deadline: zonedTimeToInstant(date, '14:00').getTime() };
}
/** Retries an assertion for up to 10 s of real time (the workflow acts on a force after the update returns). */
async function eventually(check: () => void): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      return check();
    } catch (err) {
      if (i >= 100) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
const untilMs = async (instant: number): Promise<number> => instant - (await env.currentTimeMs());

test('a game day whose scrapers never report: one stuck alert at 15 minutes, one deadline alert at 2 PM ET', async () => {
  const ops = await opsWorker(env);
  const { date, deadline } = await tomorrow();
  await ops.worker.runUntil(async () => {
    const handle = await ops.startDate({ gameDate: date, mode: 'tomorrow' });
    const kinds = (kind: string) => ops.fake.alerts.filter((a) => a.kind === kind);
    await env.sleep(14 * MINUTE);
    expect(kinds('PHASE_STUCK')).toHaveLength(0);
    await env.sleep(2 * MINUTE);
    expect(kinds('PHASE_STUCK')).toHaveLength(1);
    const state = await handle.query(pipelineStateQuery);
    const stuckAfter = Date.parse(kinds('PHASE_STUCK')[0].raisedAt) - Date.parse(state.startedAt);
    expect(stuckAfter).toBeGreaterThanOrEqual(15 * MINUTE);
    expect(stuckAfter).toBeLessThan(16 * MINUTE);
    expect(kinds('PHASE_STUCK')[0].phase).toBe(1);

    await env.sleep((await untilMs(deadline)) - MINUTE);
    expect(kinds('PREDICTIONS_MISSING')).toHaveLength(0);
    await env.sleep(2 * MINUTE);
    expect(kinds('PREDICTIONS_MISSING')).toHaveLength(1);
    const missing = kinds('PREDICTIONS_MISSING')[0];
    expect(Math.abs(Date.parse(missing.raisedAt) - deadline)).toBeLessThan(MINUTE);
    expect(missing.gameDate).toBe(date);
    expect(missing.phase).toBe(5);
    expect(missing.message).toMatch(/phase 1 \(scrapers\) is STUCK; missing nbac_schedule_api, odds_api_player_props/);
    expect(missing.fixCommand).toBe(`gameday force ${date} --phase 4 --reason "predictions missing at the deadline"`);

    await env.sleep('3 hours');
    expect(kinds('PHASE_STUCK')).toHaveLength(1);
    expect(kinds('PREDICTIONS_MISSING')).toHaveLength(1);
    await handle.terminate('test done');
  });
});

test('predictions ready before 2 PM ET: no deadline alert, even though the export is still failing', async () => {
  const ops = await opsWorker(
    env,
    {
      publishExportTrigger: async () => {
        throw ApplicationFailure.nonRetryable('export topic missing', 'PlatformRejected');
      },
    },
    { operatorWaitHours: 72 },
  );
  const { date, deadline } = await tomorrow();
  await ops.worker.runUntil(async () => {
    const handle = await ops.startDate({ gameDate: date, mode: 'tomorrow' });
    await signalAll(handle, upstreamCompletions(ops.config, date, 'tomorrow'));
    await signalAll(handle, analyticsCompletions(ops.config, date, ['upcoming_player_game_context']));
    await env.sleep((await untilMs(deadline)) + 5 * MINUTE);
    const state = await handle.query(pipelineStateQuery);
    expect(state.phases[5].status).toBe('COMPLETE');
    expect(state.phases[6].status).toBe('FAILED');
    expect(ops.fake.alerts.map((a) => a.kind)).toEqual(['PHASE_FAILED']);
    await handle.terminate('test done');
  });
});

test('self-heal does nothing on a healthy day: no games, or a pipeline within its SLA', async () => {
  const { date } = await tomorrow();
  const today = addDays(date, -1);
  // Games tomorrow only; today is an off day.
  const ops = await opsWorker(env, { countScheduledGames: async (d: string) => (d === date ? 9 : 0) });
  await ops.worker.runUntil(async () => {
    const handle = await ops.startDate({ gameDate: date, mode: 'tomorrow' });
    await env.sleep(MINUTE);
    const healthy = await ops.client.workflow.execute(selfHeal, {
      taskQueue: ops.taskQueue,
      workflowId: `self-heal-${ops.id}-healthy`,
      args: [{}],
    });
    expect(healthy.dates).toEqual([today, date]);
    expect(healthy.actionsTaken).toBe(0);
    expect(healthy.steps).toEqual([
      expect.objectContaining({ gameDate: today, decision: 'none', reason: 'no games scheduled' }),
      expect.objectContaining({ gameDate: date, decision: 'none', reason: 'healthy: phase 1 (scrapers) WAITING' }),
    ]);
    expect((await handle.query(pipelineStateQuery)).operatorActions).toEqual([]);
    await handle.terminate('test done');
  });
});

test('self-heal starts a game day that has no workflow, once', async () => {
  const ops = await opsWorker(env);
  const { date } = await tomorrow();
  const date2 = addDays(date, 1);
  await ops.worker.runUntil(async () => {
    const run = (n: number) =>
      ops.client.workflow.execute(selfHeal, {
        taskQueue: ops.taskQueue,
        workflowId: `self-heal-${ops.id}-${n}`,
        args: [{ dates: [date, date2] }],
      });
    const first = await run(1);
    expect(first.actionsTaken).toBe(2);
    expect(first.steps.map((s) => [s.gameDate, s.decision])).toEqual([
      [date, 'start'],
      [date, 'none'],
      [date2, 'start'],
      [date2, 'none'],
    ]);
    expect(first.steps[0].reason).toBe('11 games scheduled and no pipeline workflow');
    const second = await run(2);
    expect(second.actionsTaken).toBe(0);
    expect(second.steps.map((s) => s.decision)).toEqual(['none', 'none']);
    for (const d of [date, date2]) {
      const handle = env.client.workflow.getHandle(pipelineWorkflowId(ops.config.temporal.workflowIdPrefix, d));
      expect((await handle.describe()).status.name).toBe('RUNNING');
      await handle.terminate('test done');
    }
  });
});

test('self-heal fixes the 2025-12-29 incident: retries stuck phase 3, then forces predictions after the deadline', async () => {
  const ops = await opsWorker(env);
  const { date, deadline } = await tomorrow();
  await ops.worker.runUntil(async () => {
    // Overnight rules (all five expected) on a date whose deadline is still ahead: 2 of 5 arrive, the critical
    // upcoming_player_game_context never does.
    const handle = await ops.startDate({ gameDate: date, mode: 'overnight' });
    await signalAll(handle, upstreamCompletions(ops.config, date));
    await signalAll(
      handle,
      analyticsCompletions(ops.config, date, ['player_game_summary', 'team_defense_game_summary']),
    );
    await env.sleep(31 * MINUTE);
    expect((await handle.query(pipelineStateQuery)).status).toBe('STUCK');
    let n = 0;
    const run = () =>
      ops.client.workflow.execute(selfHeal, {
        taskQueue: ops.taskQueue,
        workflowId: `self-heal-${ops.id}-${++n}`,
        args: [{ dates: [date] }],
      });
    const first = await run();
    expect(first.actionsTaken).toBe(1);
    expect(first.steps).toEqual([
      expect.objectContaining({ decision: 'force', phase: 3, outcome: expect.stringMatching(/^forced phase 3;/) }),
    ]);
    expect(first.steps[0].reason).toMatch(/^self-heal retry: phase 3 \(analytics\) STUCK/);
    const analyticsTriggers = () => ops.fake.calls.filter((c) => c.name === 'triggerAnalytics');
    await eventually(() => expect(analyticsTriggers()).toHaveLength(2));
    const keys = analyticsTriggers().map((c) => (c.args[0] as { idempotencyKey: string }).idempotencyKey);
    expect(new Set(keys).size).toBe(2);

    const second = await run();
    expect(second.actionsTaken).toBe(0);
    expect(second.steps).toEqual([expect.objectContaining({ decision: 'decline' })]);
    expect(second.steps[0].reason).toMatch(/was forced at .* by self-heal/);

    await env.sleep(20 * MINUTE);
    const third = await run();
    expect(third.actionsTaken).toBe(0);
    expect(third.steps[0].reason).toMatch(
      /already retried; quorum not met \(2\/5 complete, missing critical upcoming_player_game_context\)/,
    );
    expect(ops.fake.calls.some((c) => c.name === 'runPrecomputeProcessor')).toBe(false);

    await env.sleep((await untilMs(deadline)) + 15 * MINUTE);
    const late = await run();
    expect(late.actionsTaken).toBe(1);
    expect(late.steps).toEqual([expect.objectContaining({ decision: 'force', phase: 4 })]);
    expect(late.steps[0].reason).toMatch(/force-predictions: predictions missing after the 14:00 deadline/);
    expect(late.steps[0].outcome).toMatch(/gates skipped/);
    const result = await handle.result();
    expect(result.status).toBe('COMPLETE');
    expect(result.phases[3].degraded).toBe(true);
    expect(result.operatorActions.map((a) => [a.user, a.phase, a.skipGates])).toEqual([
      ['self-heal', 3, false],
      ['self-heal', 4, true],
    ]);
    const after = await run();
    expect(after.actionsTaken).toBe(0);
    expect(after.steps).toEqual([expect.objectContaining({ decision: 'none', reason: 'pipeline complete' })]);
  });
  // Once per condition: stuck, then stuck again after self-heal's retry did not fix it (a new attempt, a new key).
  expect(
    ops.fake.alerts.filter((a) => a.kind === 'PHASE_STUCK').map((a) => a.key.split(':').slice(-2).join(':')),
  ).toEqual(['PHASE_STUCK:3', 'PHASE_STUCK:3#1']);
  expect(ops.fake.alerts.filter((a) => a.kind === 'PHASE_FORCED')).toHaveLength(2);
});

test('the daily summary lists games, phases, degraded flags, predictions and interventions, sent once', async () => {
  const sent: Notification[] = [];
  const capture: AlertChannel = { name: 'capture', send: async (n) => void sent.push(n) };
  const ops = await opsWorker(env, {}, {}, [capture]);
  const { date } = await tomorrow();
  await ops.worker.runUntil(async () => {
    const handle = await ops.startDate({ gameDate: date, mode: 'tomorrow' });
    await signalAll(handle, upstreamCompletions(ops.config, date, 'tomorrow'));
    await signalAll(handle, analyticsCompletions(ops.config, date, ['upcoming_player_game_context']));
    expect((await handle.result()).status).toBe('COMPLETE');
    const run = (n: number) =>
      ops.client.workflow.execute(dailySummary, {
        taskQueue: ops.taskQueue,
        workflowId: `summary-${ops.id}-${n}`,
        args: [{ dates: [date, addDays(date, 1)] }],
      });
    const first = await run(1);
    const second = await run(2);
    expect(first.delivery.sent).toEqual(['capture']);
    expect(second.delivery.sent).toEqual([]);
    expect(sent).toHaveLength(1);
    expect(first.dates[0]).toMatchObject({
      gameDate: date,
      games: 11,
      pipelineStatus: 'COMPLETE',
      workflow: 'COMPLETED',
    });
    expect(first.dates[1]).toMatchObject({ workflow: 'none', predictions: 'unknown (no pipeline state)' });
    expect(sent[0].text).toContain(`${date}: 11 games; pipeline COMPLETE (workflow COMPLETED)`);
    expect(sent[0].text).toMatch(/predictions: complete \(100%\)/);
    expect(sent[0].text).toContain('interventions: none');
  });
});
