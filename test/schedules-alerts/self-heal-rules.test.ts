/**
 * Self-heal's decision for one date (domain/self-heal.ts), on day states built like the workflow builds them: what
 * it starts, which remedy it applies to the current cycle's step in trouble, when it waits and when it only alerts.
 */
import { loadConfig } from '../../config/load';
import { toRunSettings } from '../../config/run-settings';
import type { DayState, StepState } from '../../contracts/state';
import { realClock } from '../../domain/clock';
import type { Cycle } from '../../domain/cycles';
import { planDay } from '../../domain/day-plan';
import { decideHeal, type DateSnapshot, type Remedy, type SelfHealPolicy } from '../../domain/self-heal';
import { newDayState } from '../../workflows/day/record';

const config = loadConfig({});
const DATE = '2026-01-15';
const MINUTE = 60_000;
const NOW = Date.parse('2026-01-15T17:45:00Z'); // 12:45 ET, the first self-heal of the day
const policy = (remedies: Partial<Record<3 | 4 | 5 | 6, Remedy>> = {}): SelfHealPolicy => ({
  timeZone: config.timeZone,
  slaMs: toRunSettings(config).slaMs,
  remedies: { 1: 'alert', 2: 'alert', 3: 'retry-then-advance', 4: 'retry', 5: 'retry', 6: 'retry', ...remedies },
});

function day(cycle: Cycle = 'same_day'): DayState {
  const state = newDayState({
    gameDate: DATE,
    workflowId: `gameday-${DATE}`,
    runId: 'run-1',
    plan: planDay(DATE, config.lifecycle, config.timeZone),
    clock: realClock(NOW),
    now: NOW,
    startCycle: 'tomorrow',
  });
  state.cycle = cycle;
  state.status = 'WAITING';
  state.summary = `${cycle} · waiting`;
  state.gamesScheduled = 9;
  return state;
}
const stepOf = (state: DayState, id: string): StepState => {
  const found = Object.values(state.cycles)
    .flatMap((c) => c.steps)
    .find((s) => s.id === id);
  if (!found) throw new Error(`no step ${id}`);
  return found;
};
const running = (state: DayState, games = 9): DateSnapshot => ({
  gameDate: DATE,
  gamesScheduled: games,
  workflowId: state.workflowId,
  execution: { status: 'RUNNING', runId: state.runId },
  state,
});

test('no games: nothing; no workflow: start it; a day starting or healthy: nothing', () => {
  expect(decideHeal({ gameDate: DATE, gamesScheduled: 0, workflowId: 'w' }, policy(), NOW)).toEqual({
    kind: 'none',
    reason: 'no games scheduled',
  });
  expect(decideHeal({ gameDate: DATE, gamesScheduled: 9, workflowId: 'w' }, policy(), NOW)).toEqual({
    kind: 'start',
    reason: '9 games scheduled and no workflow for the date',
  });
  expect(decideHeal({ ...running(day()), state: undefined }, policy(), NOW)).toEqual({
    kind: 'none',
    reason: 'the day is starting',
  });
  expect(decideHeal(running(day()), policy(), NOW)).toEqual({ kind: 'none', reason: 'healthy: same_day · waiting' });
});

test('a closed date: over is nothing; closed otherwise is declined with an alert and the rerun command, never rerun', () => {
  const complete = { ...day('overnight'), status: 'COMPLETE' as const };
  expect(
    decideHeal({ ...running(complete), execution: { status: 'COMPLETED', runId: 'run-3' } }, policy(), NOW),
  ).toEqual({
    kind: 'none',
    reason: 'the day is over (COMPLETE)',
  });
  const cancelled = { ...day(), status: 'CANCELLED' as const };
  expect(
    decideHeal({ ...running(cancelled), execution: { status: 'CANCELED', runId: 'run-1' } }, policy(), NOW),
  ).toEqual({
    kind: 'decline',
    reason: `the date's workflow closed as CANCELED (CANCELLED) with 9 games scheduled; self-heal does not rerun a closed date`,
    alert: { kind: 'WORKFLOW_FAILED', message: `${DATE}: the date's workflow closed as CANCELED (CANCELLED)` },
    fixCommand: `gameday rerun ${DATE}`,
  });
  expect(
    decideHeal({ ...running(day()), state: undefined, execution: { status: 'TERMINATED', runId: 'r' } }, policy(), NOW),
  ).toMatchObject({
    kind: 'decline',
    fixCommand: `gameday rerun ${DATE}`,
  });
});

test('the remedy of the earliest step in trouble of the current cycle: retry, advance, or alert only', () => {
  const state = day();
  Object.assign(stepOf(state, 'same_day/phase4'), { status: 'FAILED', error: 'player_daily_cache failed' });
  Object.assign(stepOf(state, 'same_day/wave-1'), { status: 'STUCK' });
  // An earlier cycle's step that was missed is the past: it is not acted on.
  Object.assign(stepOf(state, 'tomorrow/phase4'), { status: 'MISSED', finishedAt: new Date(NOW).toISOString() });
  expect(decideHeal(running(state), policy(), NOW)).toEqual({
    kind: 'force',
    phase: 4,
    skipGates: false,
    reason: 'self-heal retry: phase 4 at 06:00 FAILED (player_daily_cache failed)',
  });
  expect(decideHeal(running(state), policy({ 4: 'advance' }), NOW)).toEqual({
    kind: 'force',
    phase: 5,
    skipGates: false,
    reason: 'self-heal advance: phase 4 at 06:00 FAILED (player_daily_cache failed)',
  });
  expect(decideHeal(running(state), policy({ 4: 'alert' }), NOW)).toEqual({
    kind: 'decline',
    reason: 'the remedy for phase 4 (precompute) is alert-only: phase 4 at 06:00 FAILED (player_daily_cache failed)',
    fixCommand: `gameday force ${DATE} --phase 5 --reason "stuck"`,
  });
  // A failed wave the next wave replaces (finished) is not in trouble: the stuck one after it is.
  Object.assign(stepOf(state, 'same_day/phase4'), {
    status: 'DONE',
    finishedAt: new Date(NOW).toISOString(),
    error: undefined,
  });
  Object.assign(stepOf(state, 'same_day/wave-1'), { status: 'FAILED', finishedAt: new Date(NOW).toISOString() });
  Object.assign(stepOf(state, 'same_day/wave-2'), { status: 'STUCK' });
  expect(decideHeal(running(state), policy(), NOW)).toMatchObject({
    kind: 'force',
    phase: 5,
    reason: 'self-heal retry: RETRY predictions at 09:00 STUCK',
  });
});

test('phase 3 retry-then-advance: a retry first; while the retry has its SLA, nothing; then phase 4 with what there is', () => {
  const state = day();
  Object.assign(stepOf(state, 'same_day/phase3'), {
    status: 'STUCK',
    error: '0/2 complete 15 min after the remedy time',
  });
  expect(decideHeal(running(state), policy(), NOW)).toMatchObject({
    kind: 'force',
    phase: 3,
    reason: expect.stringMatching(/^self-heal retry: /),
  });
  const forcedAt = NOW - 5 * MINUTE;
  state.operatorActions.push({
    at: new Date(forcedAt).toISOString(),
    action: 'forcePhase',
    phase: 3,
    cycle: 'same_day',
    reason: 'retry',
    user: 'self-heal',
  });
  expect(decideHeal(running(state), policy(), NOW)).toEqual({
    kind: 'decline',
    reason: `phase 3 (analytics) was forced at ${new Date(forcedAt).toISOString()} by self-heal; giving it until ${new Date(forcedAt + 15 * MINUTE).toISOString()}`,
  });
  expect(decideHeal(running(state), policy(), NOW + 11 * MINUTE)).toEqual({
    kind: 'force',
    phase: 4,
    skipGates: false,
    reason: 'self-heal advance: phase 3 upcoming contexts by 07:00 STUCK (0/2 complete 15 min after the remedy time)',
  });
  // A force of the same phase in an earlier cycle is another story: this cycle's phase 3 gets its retry first.
  state.operatorActions[0].cycle = 'tomorrow';
  expect(decideHeal(running(state), policy(), NOW)).toMatchObject({ kind: 'force', phase: 3 });
});
