/**
 * Phase 4's gate and first call in one activity: the call goes out only when the gate lets it (no check failing,
 * or no gate at all); a failed gate query is an answer, not a throw; the call's own failure is thrown as it is.
 */
import { precomputeBehindGateActivities } from '../../activities/platform/precompute-behind-gate';
import type { DataGateRequest, DataGateResult, PrecomputeRun } from '../../activities';
import type { GateCheckResult } from '../../contracts/state';

const gateRequest: DataGateRequest = { gameDate: '2026-01-15', phase: 4, mode: 'overnight' };
const run: PrecomputeRun = {
  gameDate: '2026-01-15',
  idempotencyKey: 'gameday-2026-01-15:run:overnight/phase4:team_defense_zone_analysis',
  correlationId: 'c-1',
  className: 'TeamDefenseZoneAnalysisProcessor',
  skipDependencyCheck: false,
};
const short: GateCheckResult = {
  check: 'min_rows:x',
  passed: false,
  observed: 3,
  required: 50,
  reason: 'x has 3 rows',
};
const enough: GateCheckResult = { ...short, passed: true, observed: 80, reason: 'enough' };
const result = (checks: GateCheckResult[], enabled = true, passed = checks.every((c) => c.passed)): DataGateResult => ({
  ...gateRequest,
  enabled,
  passed,
  checks,
  recheckAfterMs: 300_000,
});

function compose(gate: () => Promise<DataGateResult>, call?: () => Promise<never>) {
  const calls: PrecomputeRun[] = [];
  const { runPrecomputeProcessorBehindGate } = precomputeBehindGateActivities({
    checkDataGate: gate,
    runPrecomputeProcessor: async (request) => {
      calls.push(request);
      if (call) return call();
      return { processor: request.className, status: 'success', recordCount: 12 };
    },
  });
  return { calls, answer: () => runPrecomputeProcessorBehindGate({ gate: gateRequest, run }) };
}

test('a passing gate lets the call out at once, with the run as given', async () => {
  const { calls, answer } = compose(async () => result([enough]));
  expect(await answer()).toEqual({
    gate: result([enough]),
    result: { processor: run.className, status: 'success', recordCount: 12 },
  });
  expect(calls).toEqual([run]);
});

test('a failing check keeps the call in, even when the result claims to have passed', async () => {
  for (const gate of [result([enough, short]), result([short], true, true)]) {
    const { calls, answer } = compose(async () => gate);
    expect(await answer()).toEqual({ gate });
    expect(calls).toEqual([]);
  }
});

test('no gate (the warehouse off) lets the call out', async () => {
  const { calls, answer } = compose(async () => result([], false));
  expect((await answer()).result?.status).toBe('success');
  expect(calls).toHaveLength(1);
});

test('a gate query that throws is answered, not thrown, and calls nothing', async () => {
  const { calls, answer } = compose(async () => {
    throw new Error('BigQuery: 503 Service Unavailable');
  });
  expect(await answer()).toEqual({ gateQueryFailed: 'BigQuery: 503 Service Unavailable' });
  expect(calls).toEqual([]);
});

test("the call's own failure is thrown as it is (the workflow reads it as: the gate had passed)", async () => {
  const failure = new Error('POST /process-date answered 503');
  const { calls, answer } = compose(
    async () => result([enough]),
    async () => {
      throw failure;
    },
  );
  await expect(answer()).rejects.toBe(failure);
  expect(calls).toHaveLength(1);
});
