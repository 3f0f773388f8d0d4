/**
 * Failure mode 7: "A deduplicated re-run did not re-publish its completion, so nothing downstream re-triggered."
 *
 * The whole stack (dev server, worker, bridge, local platform) lives a date's whole day in scenario `silent-reruns`:
 * a processor re-run for a date it already completed publishes nothing. The same-day cycle then never hears of the
 * upcoming player context (its morning refresh and Gameday's 07:00 remedy are both re-runs). Gameday's guarantee:
 * never a silent wait. The remedy runs once, the phase-3 step ends STUCK with one STEP_STUCK alert naming what is
 * missing (and phase 4, which waits for it, alerts too), the overnight recompute reads its results from the HTTP
 * answers although every one of its runs was deduplicated, and the day ends with its gaps reported.
 */
import type { AlertRecord } from '../../contracts/state';
import { SCENARIOS } from '../../local-platform';
import type { LocalStack } from '../../scripts/lib/local-stack';
import { liveTheDay, requests, runs, startScenarioStack } from './stack';

const gameDate = '2026-01-20';
let stack: LocalStack;

beforeAll(async () => {
  stack = await startScenarioStack(SCENARIOS['silent-reruns'], gameDate);
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

test('silent re-runs: the same-day phase 3 ends STUCK with one alert after its remedy, the overnight phase 4 is done, the day ends with its gaps', async () => {
  const { state } = await liveTheDay(stack, gameDate);
  const events = stack.platform.events();
  const phase3Runs = runs(events, 3, gameDate);
  const phase4Runs = runs(events, 4, gameDate).filter((r) => r.cause === 'http gameday');

  // The reproduction: the player context completed once, the evening before; every later run of it was silent.
  const playerContext = phase3Runs.filter((r) => r.processor === 'upcoming_player_game_context');
  expect(playerContext.map((r) => r.outcome)).toEqual([
    'published',
    ...playerContext.slice(1).map(() => 'deduplicated'),
  ]);
  expect(state.processors['3:upcoming_player_game_context']?.runs).toHaveLength(1);

  // Same day: the remedy ran the missing processor once; the platform deduplicated it; the step did not wait in silence.
  const sameDay = state.cycles.same_day;
  const phase3 = sameDay.steps.find((s) => s.kind === 'phase3')!;
  expect(phase3.phase3?.remedyProcessors).toEqual(['upcoming_player_game_context']);
  expect(phase3.phase3?.remedyTriggeredAt).toBeDefined();
  const remedies = requests(events, '/phase3/process-date-range').filter(
    (r) => (r.body as { processors?: string[] }).processors?.[0] === 'UpcomingPlayerGameContextProcessor',
  );
  expect(remedies.map((r) => [r.status, (r.body as { processors: string[] }).processors])).toEqual([
    [200, ['UpcomingPlayerGameContextProcessor']],
  ]);
  expect(playerContext.filter((r) => r.cause === 'http gameday').map((r) => r.outcome)).toEqual(['deduplicated']);
  // STUCK an SLA after the remedy time, until the cycle ended (then MISSED, as a gap).
  expect(phase3.status).toBe('MISSED');
  expect(phase3.outcome).toContain('ended with this step STUCK');
  expect(phase3.outcome).toContain('missing critical upcoming_player_game_context');

  const alerts = (kind: AlertRecord['kind'], phase: number) =>
    state.alerts.filter((a) => a.kind === kind && a.cycle === 'same_day' && a.phase === phase);
  const stuck3 = alerts('STEP_STUCK', 3);
  expect(stuck3).toHaveLength(1);
  expect(stuck3[0].message).toContain('phase 3 is stuck at 1/2 (missing upcoming_player_game_context)');
  expect(stuck3[0].fixCommand).toBe(`gameday force ${gameDate} --phase 4 --reason "phase 3 stuck" --skip-gates`);
  expect(Date.parse(stuck3[0].raisedAt)).toBeGreaterThan(Date.parse(phase3.phase3!.remedyTriggeredAt!));
  expect(Date.parse(stuck3[0].raisedAt)).toBeLessThan(Date.parse(sameDay.endedAt!));
  // Phase 4 of the same day waited for that phase 3, and said so.
  const phase4 = sameDay.steps.find((s) => s.kind === 'phase4')!;
  expect(phase4.status).toBe('MISSED');
  expect(alerts('STEP_STUCK', 4)).toHaveLength(1);
  expect(Date.parse(alerts('STEP_STUCK', 4)[0].raisedAt)).toBeLessThan(Date.parse(sameDay.endedAt!));

  // Overnight: every phase-4 run was a deduplicated re-run (no completion published), yet the step is done from the
  // answers of its /process-date calls.
  const overnight4 = state.cycles.overnight.steps.find((s) => s.kind === 'phase4')!;
  expect(overnight4.status).toBe('DONE');
  expect(overnight4.precompute?.map((r) => r.status)).toEqual(stack.config.processors[4].map(() => 'success'));
  const names = stack.config.processors[4].map((p) => p.className);
  expect(phase4Runs.map((r) => [r.className, r.outcome])).toEqual([
    ...names.map((n) => [n, 'published']), // the tomorrow cycle's run
    ...names.map((n) => [n, 'deduplicated']), // the overnight recompute
  ]);

  // The day ended, with its gaps named: nothing was left waiting.
  expect(state.status).toBe('COMPLETE_WITH_GAPS');
  expect(state.predictions.ready).toBe(true);
  const gaps = state.alerts.filter((a) => a.kind === 'DAY_GAPS');
  expect(gaps).toHaveLength(1);
  expect(gaps[0].message).toContain('same_day phase 3 upcoming contexts by 07:00: MISSED');
}, 300_000);
