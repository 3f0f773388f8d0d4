import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DataGateRequest, DataGateResult } from '../../activities';
import type { GateCheckResult } from '../../domain/pipeline-state';
import { forcePhaseUpdate } from '../../workflows/definitions';
import { fakePlatform } from '../helpers/fake-activities';
import {
  analyticsCompletions,
  pipelineWorker,
  queryState,
  signalAll,
  startPipeline,
  upstreamCompletions,
} from '../helpers/pipeline-harness';
import { createTimeSkippingEnv } from '../helpers/tools';

const DATE = '2025-12-29';
const RECHECK_MS = 5 * 60_000;

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

const short: GateCheckResult = {
  check: 'min_rows:player_game_summary',
  passed: false,
  observed: 40,
  required: 100,
  reason: `player_game_summary has 40 rows for ${DATE} (need >= 100)`,
};
const enough: GateCheckResult = { ...short, passed: true, observed: 352, reason: 'enough' };

/** A phase-4 gate that fails until `data.arrived`; the other gates pass. */
function gate(data: { arrived: boolean }) {
  return async (request: DataGateRequest): Promise<DataGateResult> => {
    const checks = request.phase === 4 && !data.arrived ? [short] : [enough];
    return { ...request, enabled: true, passed: checks.every((c) => c.passed), checks, recheckAfterMs: RECHECK_MS };
  };
}

async function toPhase4(
  handle: Awaited<ReturnType<typeof startPipeline>>,
  config: ReturnType<typeof fakePlatform>['config'],
) {
  await signalAll(handle, upstreamCompletions(config, DATE));
  await signalAll(handle, analyticsCompletions(config, DATE, config.modes.overnight[3].expected));
}

test('a failing gate blocks the phase with its numbers, alerts once after the SLA, and moves on when data arrives', async () => {
  const data = { arrived: false };
  const fake = fakePlatform({ checkDataGate: gate(data) });
  const { worker, taskQueue } = await pipelineWorker(env, fake.activities);
  await worker.runUntil(async () => {
    const handle = await startPipeline(env, taskQueue, { gameDate: DATE });
    await toPhase4(handle, fake.config);
    await env.sleep('1 minute');
    const blocked = await queryState(handle);
    expect(blocked.status).toBe('BLOCKED');
    expect(blocked.phases[4].status).toBe('BLOCKED');
    expect(blocked.phases[4].error).toBe(
      `data gate: min_rows:player_game_summary: player_game_summary has 40 rows for ${DATE} (need >= 100)`,
    );
    expect(blocked.phases[4].gate).toMatchObject({ status: 'BLOCKED', checks: [short] });
    expect(blocked.phases[4].triggeredAt).toBeUndefined();
    expect(fake.calls.some((c) => c.name === 'runPrecomputeProcessor')).toBe(false);

    await env.sleep('12 minutes');
    expect(fake.alerts.filter((a) => a.kind === 'GATE_FAILED')).toHaveLength(0);
    await env.sleep('4 minutes');
    const late = await queryState(handle);
    expect(late.phases[4].status).toBe('BLOCKED');
    expect(late.phases[4].gate!.attempts).toBeGreaterThanOrEqual(4);
    await env.sleep('1 hour');
    const alerts = fake.alerts.filter((a) => a.kind === 'GATE_FAILED');
    expect(alerts).toHaveLength(1);
    expect(alerts[0].message).toMatch(/phase 4 \(precompute\) of 2025-12-29 is blocked by its data gate/);
    expect(alerts[0].message).toMatch(/40 rows .* \(need >= 100\)/);
    expect(alerts[0].fixCommand).toMatch(/--phase 4 .*--skip-gates/);
    expect((await queryState(handle)).phases[4].triggeredAt).toBeUndefined();

    data.arrived = true;
    const result = await handle.result();
    expect(result.status).toBe('COMPLETE');
    expect(result.phases[4].gate).toMatchObject({ status: 'PASSED' });
    expect(result.phases[4].error).toBeUndefined();
    const waited = Date.parse(result.phases[4].gate!.passedAt!) - Date.parse(result.phases[4].gate!.firstCheckedAt!);
    expect(waited).toBeGreaterThan(75 * 60_000);
  });
  expect(fake.calls.filter((c) => c.name === 'runPrecomputeProcessor')).toHaveLength(5);
  const rows = fake.executionLog;
  expect(new Set(rows.map((r) => r.executionId)).size).toBe(rows.length);
  const gateRows = rows.filter((r) => r.processorName === 'data_gate' && r.phase === 'phase_4_precompute');
  expect(gateRows.filter((r) => r.status === 'gate_blocked').length).toBeGreaterThanOrEqual(5);
  expect(gateRows.filter((r) => r.status === 'gate_passed')).toHaveLength(1);
  expect(gateRows[0]).toMatchObject({
    recordsProcessed: 40,
    dataDate: DATE,
    errorMessage: expect.stringMatching(/40 rows/),
  });
  expect(rows.filter((r) => r.status === 'alert_gate_failed')).toHaveLength(1);
  expect(rows.filter((r) => r.status === 'triggered').map((r) => r.phase)).toEqual(
    // phase 3 had all its completions before its trigger, so it was never triggered
    ['phase_4_precompute', 'phase_5_predictions', 'phase_6_export'],
  );
  expect(rows.every((r) => r.correlationId.startsWith(`gameday-${DATE}`))).toBe(true);
});

test('forcePhase with skipGates lets a blocked phase through, recorded on the gate and in the log', async () => {
  const fake = fakePlatform({ checkDataGate: gate({ arrived: false }) });
  const { worker, taskQueue } = await pipelineWorker(env, fake.activities);
  await worker.runUntil(async () => {
    const handle = await startPipeline(env, taskQueue, { gameDate: DATE });
    await toPhase4(handle, fake.config);
    await env.sleep('6 minutes');
    expect((await queryState(handle)).phases[4].status).toBe('BLOCKED');

    // A force without skipGates restarts the phase behind the same gate.
    await handle.executeUpdate(forcePhaseUpdate, { args: [{ phase: 4, reason: 'retry', user: 'oncall' }] });
    await env.sleep('1 minute');
    expect((await queryState(handle)).phases[4].status).toBe('BLOCKED');

    await handle.executeUpdate(forcePhaseUpdate, {
      args: [{ phase: 4, reason: 'data verified by hand', user: 'oncall', skipGates: true }],
    });
    const result = await handle.result();
    expect(result.status).toBe('COMPLETE');
    expect(result.phases[4].gate).toMatchObject({
      status: 'SKIPPED',
      reason: 'skipped by oncall: data verified by hand',
    });
    expect(result.operatorActions.map((a) => a.skipGates)).toEqual([false, true]);
  });
  expect(fake.calls.filter((c) => c.name === 'runPrecomputeProcessor')).toHaveLength(5);
  expect(fake.alerts.filter((a) => a.kind === 'GATE_FAILED')).toHaveLength(0);
  const statuses = fake.executionLog.map((r) => r.status);
  expect(statuses.filter((s) => s === 'gate_skipped')).toHaveLength(1);
  expect(statuses.filter((s) => s === 'forced_skip_gates')).toHaveLength(1);
  expect(statuses.filter((s) => s === 'forced')).toHaveLength(1);
});
