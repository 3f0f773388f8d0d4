/**
 * The data gate in the date's workflow, on the time-skipping server: the tomorrow cycle's phase-4 step (D-1 17:30)
 * behind a gate that fails. A failing gate leaves the step BLOCKED with the numbers, checks again on a durable
 * timer, alerts GATE_FAILED once after the SLA, never lets the step trigger, and a `forcePhase` update with
 * `skipGates` lets it through, recorded on the gate, in the operator actions and in the execution log.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DataGateRequest, DataGateResult } from '../../activities';
import type { GamedayConfig } from '../../config/schema';
import type { DayState, GateCheckResult, StepState } from '../../contracts/state';
import { forcePhaseUpdate } from '../../contracts/workflow-api';
import { realDelayUntil } from '../../domain/clock';
import { dayTimeInstant } from '../../domain/day-times';
import { dayConfig, dayState, dayWorker, startDay, type DayHandle } from '../helpers/day-harness';
import { fakePlatform, type FakePlatform } from '../helpers/fake-platform';
import { createTimeSkippingEnv } from '../helpers/tools';

const DATE = '2026-01-15';
const RECHECK_MS = 5 * 60_000;

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
}, 120_000);
afterAll(async () => {
  await env?.teardown();
});

const short: GateCheckResult = {
  check: 'min_rows:upcoming_player_game_context',
  passed: false,
  observed: 40,
  required: 50,
  reason: `upcoming_player_game_context has 40 rows for ${DATE} (need >= 50)`,
};
const enough: GateCheckResult = { ...short, passed: true, observed: 352, reason: 'enough' };

/** A phase-4 gate that fails until `data.arrived`; the other gates pass. */
function gate(data: { arrived: boolean }) {
  return async (request: DataGateRequest): Promise<DataGateResult> => {
    const checks = request.phase === 4 && !data.arrived ? [short] : [enough];
    return { ...request, enabled: true, passed: checks.every((c) => c.passed), checks, recheckAfterMs: RECHECK_MS };
  };
}

const at = (time: string) => dayTimeInstant(DATE, time, 'America/New_York');
/** "HH:MM" (24-hour) in New York of a day-time instant. */
const hhmm = (ms: number) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: 'America/New_York',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(ms);

async function sleepUntil(fake: FakePlatform, time: string): Promise<void> {
  await env.sleep(Math.max(1, realDelayUntil(fake.clock, at(time), await env.currentTimeMs())));
}
const phase4Step = (state: DayState): StepState => state.cycles.tomorrow.steps.find((s) => s.kind === 'phase4')!;
const gateAlerts = (fake: FakePlatform) => fake.alerts.filter((a) => a.kind === 'GATE_FAILED');

async function setup(overrides: Parameters<typeof fakePlatform>[0]['overrides']) {
  const config: GamedayConfig = await dayConfig(env, DATE);
  const fake = fakePlatform({ config, client: env.client, overrides });
  const { worker, taskQueue } = await dayWorker(env, fake.activities);
  return { config, fake, worker, taskQueue };
}

/**
 * Runs the date's day with the worker until `body` is done, then terminates it: a day left running would hold the
 * time-skipping server's clock for the next test.
 */
async function withDay(
  setupDone: Awaited<ReturnType<typeof setup>>,
  body: (handle: DayHandle) => Promise<void>,
): Promise<void> {
  const { worker, taskQueue } = setupDone;
  await worker.runUntil(async () => {
    const handle = await startDay(env, taskQueue, { gameDate: DATE });
    try {
      await body(handle);
    } finally {
      await env.client.workflow
        .getHandle(handle.workflowId)
        .terminate('test over')
        .catch(() => undefined);
    }
  });
}

test('a failing gate blocks the step with its numbers, re-checks on a timer, alerts once after the SLA, never triggers', async () => {
  const data = { arrived: false };
  const day = await setup({ checkDataGate: gate(data) });
  const { fake } = day;
  await withDay(day, async (handle) => {
    await sleepUntil(fake, 'D-1 17:31');
    const blocked = await dayState(env, handle);
    // phase 3 was in (the 17:00 remedy's completions): the step passed its time and met its gate
    expect(blocked.cycles.tomorrow.steps.find((s) => s.kind === 'phase3')?.status).toBe('DONE');
    const step = phase4Step(blocked);
    expect(step.status).toBe('BLOCKED');
    expect(blocked.status).toBe('BLOCKED');
    expect(blocked.currentPhase).toBe(4);
    expect(step.error).toBe(`data gate: min_rows:upcoming_player_game_context: ${short.reason}`);
    expect(step.gate).toMatchObject({ status: 'BLOCKED', attempts: 1, checks: [short], reason: short.reason });
    expect(hhmm(Date.parse(step.gate!.lastCheckedAt!))).toBe('17:30');
    expect(hhmm(Date.parse(step.gate!.nextCheckAt!))).toBe('17:35');
    expect(step.triggeredAt).toBeUndefined();
    expect(fake.of('checkDataGate').map((c) => c.args[0])).toEqual([{ gameDate: DATE, phase: 4, mode: 'tomorrow' }]);
    expect(fake.of('runPrecomputeProcessor')).toEqual([]);

    // re-checked every 5 minutes; no alert before the 15-minute SLA
    await sleepUntil(fake, 'D-1 17:44');
    expect(fake.of('checkDataGate').map((c) => hhmm(c.at))).toEqual(['17:30', '17:35', '17:40']);
    expect(phase4Step(await dayState(env, handle)).gate?.attempts).toBe(3);
    expect(gateAlerts(fake)).toEqual([]);

    await sleepUntil(fake, 'D-1 18:31');
    const late = await dayState(env, handle);
    expect(phase4Step(late)).toMatchObject({ status: 'BLOCKED', gate: { status: 'BLOCKED', attempts: 13 } });
    expect(phase4Step(late).triggeredAt).toBeUndefined();
    expect(late.alerts.filter((a) => a.kind === 'GATE_FAILED')).toHaveLength(1);
    const alerts = gateAlerts(fake);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ phase: 4, cycle: 'tomorrow', gameDate: DATE });
    expect(alerts[0].message).toContain(`${DATE}: `);
    expect(alerts[0].message).toContain('is blocked by its data gate for 15 min');
    expect(alerts[0].message).toContain('40 rows for 2026-01-15 (need >= 50)');
    expect(alerts[0].fixCommand).toBe(`gameday force ${DATE} --phase 4 --reason "data gate" --skip-gates`);
    expect(hhmm(Date.parse(alerts[0].raisedAt))).toBe('17:45');
    expect(fake.of('runPrecomputeProcessor')).toEqual([]);

    // the data arrives: the next check passes and phase 4 runs
    data.arrived = true;
    await sleepUntil(fake, 'D-1 18:40');
    const passed = phase4Step(await dayState(env, handle));
    expect(passed.status).toBe('DONE');
    expect(passed.error).toBeUndefined();
    expect(passed.gate).toMatchObject({ status: 'PASSED', attempts: 14, checks: [enough] });
    expect(hhmm(Date.parse(passed.gate!.passedAt!))).toBe('18:35');
    expect(hhmm(Date.parse(passed.triggeredAt!))).toBe('18:35');
    expect(fake.of('runPrecomputeProcessor')).toHaveLength(5);
    expect(fake.of('runPrecomputeProcessor').every((c) => hhmm(c.at) === '18:35')).toBe(true);

    const rows = fake.executionLog.filter((r) => r.processorName === 'data_gate' && r.phase === 'phase_4_precompute');
    expect(rows.filter((r) => r.status === 'gate_blocked')).toHaveLength(13);
    expect(rows.filter((r) => r.status === 'gate_passed')).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      dataDate: DATE,
      recordsProcessed: 40,
      errorMessage: `min_rows:upcoming_player_game_context: ${short.reason}`,
    });
    expect(new Set(rows.map((r) => r.executionId)).size).toBe(rows.length);
    expect(fake.executionLog.filter((r) => r.status === 'alert_gate_failed')).toHaveLength(1);
    const triggered = fake.executionLog.filter((r) => r.status === 'triggered' && r.phase === 'phase_4_precompute');
    expect(triggered).toHaveLength(1);
    expect(Date.parse(triggered[0].triggeredAt)).toBeGreaterThanOrEqual(at('D-1 18:35'));
  });
}, 180_000);

test('forcePhase without skipGates restarts the step behind the same gate; with skipGates it passes, recorded', async () => {
  const day = await setup({ checkDataGate: gate({ arrived: false }) });
  const { fake } = day;
  await withDay(day, async (handle) => {
    await sleepUntil(fake, 'D-1 17:36');
    expect(phase4Step(await dayState(env, handle))).toMatchObject({ status: 'BLOCKED', gate: { attempts: 2 } });

    const retry = await handle.executeUpdate(forcePhaseUpdate, {
      args: [{ phase: 4, reason: 'retry', user: 'oncall' }],
    });
    expect(retry.applied).toBe(true);
    expect(retry.step).toBe('tomorrow/phase4');
    expect(retry.outcome).not.toContain('data gates skipped');
    await env.sleep('1 minute');
    const still = phase4Step(await dayState(env, handle));
    expect(still).toMatchObject({ status: 'BLOCKED', restarts: 1, gate: { status: 'BLOCKED', attempts: 3 } });
    expect(fake.of('runPrecomputeProcessor')).toEqual([]);

    const skip = await handle.executeUpdate(forcePhaseUpdate, {
      args: [{ phase: 4, reason: 'data verified by hand', user: 'oncall', skipGates: true }],
    });
    expect(skip.applied).toBe(true);
    expect(skip.outcome).toContain('data gates skipped');
    await env.sleep('1 minute');
    const state = await dayState(env, handle);
    const step = phase4Step(state);
    expect(step.status).toBe('DONE');
    expect(step.restarts).toBe(2);
    expect(step.gate).toMatchObject({ status: 'SKIPPED', reason: 'skipped by oncall: data verified by hand' });
    expect(step.triggeredAt).toBeDefined();
    expect(state.operatorActions.map((a) => [a.action, a.phase, a.skipGates, a.user])).toEqual([
      ['forcePhase', 4, false, 'oncall'],
      ['forcePhase', 4, true, 'oncall'],
    ]);
    expect(fake.of('runPrecomputeProcessor')).toHaveLength(5);
    // the gate was not checked for the forced run
    expect(fake.of('checkDataGate')).toHaveLength(3);
    await sleepUntil(fake, 'D-1 18:00');
    expect(gateAlerts(fake)).toEqual([]);
    expect(fake.alerts.map((a) => a.kind)).toEqual(['PHASE_FORCED', 'PHASE_FORCED']);
    const statuses = fake.executionLog.map((r) => r.status);
    expect(statuses.filter((s) => s === 'gate_skipped')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'forced_skip_gates')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'forced')).toHaveLength(1);
    expect(fake.executionLog.find((r) => r.status === 'gate_skipped')).toMatchObject({
      triggerSource: 'operator:oncall',
      errorMessage: 'skipped by oncall: data verified by hand',
    });
  });
}, 180_000);

test('a gate whose warehouse query fails blocks the step with the error, and never lets it trigger', async () => {
  const day = await setup({
    checkDataGate: async () => {
      throw new Error('BigQuery: 503 Service Unavailable');
    },
  });
  const { fake } = day;
  await withDay(day, async (handle) => {
    await sleepUntil(fake, 'D-1 17:40');
    const step = phase4Step(await dayState(env, handle));
    expect(step.status).toBe('BLOCKED');
    expect(step.gate?.checks).toEqual([
      {
        check: 'warehouse',
        passed: false,
        observed: 0,
        required: 1,
        reason: 'gate query failed: BigQuery: 503 Service Unavailable',
      },
    ]);
    expect(step.error).toBe('data gate: warehouse: gate query failed: BigQuery: 503 Service Unavailable');
    expect(step.triggeredAt).toBeUndefined();
    expect(fake.of('runPrecomputeProcessor')).toEqual([]);
  });
}, 180_000);

test("phase 4's gate rides with its first call; that call failing records the gate passed, and the next calls go out without it", async () => {
  const [first, ...rest] = (await dayConfig(env, DATE)).processors[4];
  const day = await setup({
    checkDataGate: gate({ arrived: true }),
    runPrecomputeProcessor: async (request) => {
      if (request.className === first.className) {
        throw ApplicationFailure.nonRetryable(`${first.className} answered 400`, 'PlatformRejected', { status: 400 });
      }
      return { processor: request.className, status: 'success', recordCount: 300 };
    },
  });
  const { fake } = day;
  await withDay(day, async (handle) => {
    await sleepUntil(fake, 'D-1 17:31');
    const step = phase4Step(await dayState(env, handle));
    expect(step.status).toBe('FAILED');
    expect(step.gate?.status).toBe('PASSED');
    expect(step.error).toContain(`${first.className} answered 400`);
    expect(fake.of('checkDataGate').filter((c) => (c.args[0] as DataGateRequest).phase === 4)).toHaveLength(1);
    // The processors that do not depend on the failed one ran, each without a gate of its own.
    const independent = rest.filter((p) => !(p.dependsOn ?? []).includes(first.name)).map((p) => p.className);
    const called = fake.of('runPrecomputeProcessor').map((c) => (c.args[0] as { className: string }).className);
    expect(called).toEqual([first.className, ...independent.filter((name) => called.includes(name))]);
    expect(called.length).toBeGreaterThan(1);
    const history = (await env.client.workflow.getHandle(handle.workflowId).fetchHistory()).events ?? [];
    const scheduled = history
      .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)
      .filter((name) => name === 'checkDataGate' || name?.startsWith('runPrecomputeProcessor'));
    expect(scheduled).toEqual([
      'runPrecomputeProcessorBehindGate',
      ...called.slice(1).map(() => 'runPrecomputeProcessor'),
    ]);
    const gateRows = fake.executionLog.filter((r) => r.processorName === 'data_gate').map((r) => r.status);
    expect(gateRows).toEqual(['gate_passed']);
  });
}, 180_000);
