/**
 * Failure mode 9: "Redeploys stripped invoker permissions (silent 403s)."
 *
 * The whole stack (dev server, worker, bridge, local platform) lives the tomorrow cycle of a date in scenario
 * `silent-403`: the precompute service answers 403 to its first 8 calls naming team_defense_zone_analysis, as a
 * redeploy that stripped the invoker rights (restored later) would. Gameday's guarantee: a 403 is never silent. It
 * is not retried as a transient error (one 403 call, then the alert), the step shows the 403 in a troubled status
 * with one PERMISSION_DENIED alert naming the processor and the fix, and `gameday health` reports it. Then, as the
 * code stands, the step tries again every `platform.forbiddenRecheckMinutes` and completes once the calls are
 * allowed again; the assertions on the alert and on health hold whether or not it recovers.
 */
import { dateChecks } from '../../cli/commands/health';
import { loadDateRun, type DateRun } from '../../cli/pipeline';
import { startOrAttach } from '../../clients/pipeline-client';
import { TROUBLED_STATUSES, type StepState } from '../../contracts/state';
import { SCENARIOS, type RequestEvent } from '../../local-platform';
import type { LocalStack } from '../../scripts/lib/local-stack';
import { until } from '../helpers/until';
import { requests, startScenarioStack } from './stack';

const gameDate = '2026-01-22';
let stack: LocalStack;

beforeAll(async () => {
  // Slower than a whole-day test: a poll every 100 ms sees the step every 30 s of the day.
  stack = await startScenarioStack(SCENARIOS['silent-403'], gameDate, { timeScale: 1 / 300, startsAt: 'D-1 17:10' });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

test('a 403 from phase 4: one call, an alert naming it, BLOCKED where gameday health sees it; then tries again until it runs', async () => {
  await startOrAttach(stack.client, stack.config, { gameDate, startedBy: 'failure-mode test' });
  const phase4 = (run: DateRun | undefined): StepState | undefined =>
    run?.state?.cycles.tomorrow.steps.find((s) => s.kind === 'phase4');
  const tdza = (requests: RequestEvent[]) =>
    requests.filter((r) => (r.body as { processors: string[] }).processors[0] === 'TeamDefenseZoneAnalysisProcessor');

  // The day as `gameday health` loads it, at the first moment its phase-4 step is held by the 403.
  const troubled = await until(
    'the tomorrow phase-4 step held by the 403',
    async () => {
      const run = await loadDateRun(stack.client, stack.config, gameDate, { queryTimeoutMs: 3_000 });
      const step = phase4(run);
      return step && TROUBLED_STATUSES.includes(step.status) && step.error?.includes('403') ? run : undefined;
    },
    90_000,
  );
  const state = troubled.state!;
  const step = phase4(troubled)!;
  expect(step.status).toBe('BLOCKED');
  expect(step.error).toContain(
    "the precompute service refuses Gameday's calls (401/403) for team_defense_zone_analysis",
  );

  const alerts = state.alerts.filter((a) => a.cycle === 'tomorrow' && a.phase === 4);
  expect(alerts.map((a) => a.kind)).toEqual(['PERMISSION_DENIED']);
  const [alert] = alerts;
  expect(alert.message).toContain('answers 401/403 to Gameday');
  expect(alert.message).toContain('team_defense_zone_analysis not run');
  expect(alert.fixCommand).toBe(`gameday force ${gameDate} --phase 4 --reason "invoker rights restored"`);

  // One 403 before the alert: not retried as a transient error, and the alert came within the step's own run.
  const beforeAlert = requests(stack.platform.events(), '/phase4/process-date').filter(
    (r) => Date.parse(r.at) <= Date.parse(alert.raisedAt),
  );
  const forbidden = beforeAlert.filter((r) => r.status === 403);
  expect(forbidden.map((r) => [(r.body as { processors: string[] }).processors, r.injected])).toEqual([
    [['TeamDefenseZoneAnalysisProcessor'], 'http403'],
  ]);
  expect(Date.parse(alert.raisedAt) - Date.parse(forbidden[0].at)).toBeLessThan(45 * 60_000);
  // What does not depend on it ran; the two that do waited, never called while it was refused.
  expect(beforeAlert.map((r) => (r.body as { processors: string[] }).processors[0])).toEqual([
    'TeamDefenseZoneAnalysisProcessor',
    'PlayerShotZoneAnalysisProcessor',
    'PlayerDailyCacheProcessor',
  ]);

  // `gameday health` on that day: the date and its step are reported, naming the 403.
  const checks = dateChecks(stack.config, gameDate, troubled);
  expect(checks.find((c) => c.name === `day ${gameDate}`)?.level).not.toBe('ok');
  const stepCheck = checks.find((c) => c.name === `tomorrow ${step.label}`);
  expect(stepCheck?.level).not.toBe('ok');
  expect(stepCheck?.message).toMatch(/^BLOCKED: .*\(401\/403\) for team_defense_zone_analysis/);

  // As the code stands: a try every 10 minutes of the day until the calls are allowed (the 9th), then the step runs.
  const done = await until(
    'the tomorrow phase-4 step DONE',
    async () => {
      const run = await loadDateRun(stack.client, stack.config, gameDate, { queryTimeoutMs: 3_000 });
      return phase4(run)?.status === 'DONE' ? run : undefined;
    },
    60_000,
  );
  const calls = requests(stack.platform.events(), '/phase4/process-date');
  const tries = tdza(calls);
  const refusals = SCENARIOS['silent-403'].processors!.team_defense_zone_analysis!.http403Times!;
  expect(tries.map((r) => r.status)).toEqual([...Array<number>(refusals).fill(403), 200]);
  for (let i = 1; i < tries.length; i++) {
    expect(Date.parse(tries[i].at) - Date.parse(tries[i - 1].at)).toBeGreaterThanOrEqual(
      stack.config.platform.forbiddenRecheckMinutes * 60_000,
    );
  }
  // Each processor ran once; composite factors and the feature store after the zone analysis they depend on.
  expect(calls.filter((r) => r.status === 200).map((r) => (r.body as { processors: string[] }).processors[0])).toEqual([
    'PlayerShotZoneAnalysisProcessor',
    'PlayerDailyCacheProcessor',
    'TeamDefenseZoneAnalysisProcessor',
    'PlayerCompositeFactorsProcessor',
    'MLFeatureStoreProcessor',
  ]);
  const recovered = done.state!;
  expect(recovered.alerts.filter((a) => a.kind === 'PERMISSION_DENIED')).toHaveLength(1);
  expect(recovered.alerts.filter((a) => a.kind === 'STEP_FAILED')).toEqual([]);
}, 180_000);
