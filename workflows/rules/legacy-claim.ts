/**
 * Coexistence with the legacy Firestore orchestrator, before Gameday triggers phase 4 (its main run) or a prediction
 * wave: the claim on the legacy document decides who triggers (see domain/legacy.ts). With `legacy.mode` off this
 * schedules nothing and changes nothing, so recorded histories replay as before. An operator's force skips the claim.
 */
import { patched, proxyActivities } from '@temporalio/workflow';
import type { PipelineActivities } from '../../activities';
import type { LegacyClaim, StepState } from '../../contracts/state';
import { virtualNow } from '../../domain/clock';
import { mayTrigger } from '../../domain/legacy';
import type { AppliedForce, Day } from '../day/day';
import { phaseColumn } from '../day/day';
import { firstCountedAt, iso } from '../day/record';
import { failureText } from './errors';

/** Retried for an hour like a trigger: an unreachable Firestore must not turn into a double trigger. */
const claimActivity = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

export type ClaimVerdict = 'trigger' | 'skip';

/** Runs from before it counted any completion of the cycle as the legacy-triggered run's; they replay so. */
export const SINCE_LEGACY_TRIGGER_PATCH = 'legacy-completions-since-its-trigger';
/** Firestore's clock against the publishers' clocks. */
const CLOCK_SKEW_MS = 60_000;

/** Whether the step's trigger waits for a claim at all: not with the legacy off, not when forced, only phases 4-5. */
export function claimApplies(day: Day, step: StepState, force: AppliedForce | undefined): boolean {
  const mode = day.settings.legacyMode ?? 'off';
  return !(mode === 'off' || force || (step.phase !== 4 && step.phase !== 5));
}

export async function claimBeforeTrigger(
  day: Day,
  step: StepState,
  force: AppliedForce | undefined,
): Promise<ClaimVerdict> {
  const mode = day.settings.legacyMode ?? 'off';
  // (The phase test again narrows the phase's type.)
  if (!claimApplies(day, step, force) || (step.phase !== 4 && step.phase !== 5)) return 'trigger';
  const cycle = day.state.cycles[step.cycle];
  // The legacy counter triggers a phase at most once per date: only the cycle's first trigger of the phase races it.
  const earlier = cycle.steps.some((s) => s !== step && s.kind === step.kind && s.legacy && s.dueAt < step.dueAt);
  if (earlier && mode !== 'shadow') return 'trigger';
  let claim: LegacyClaim;
  try {
    const decision = await claimActivity.claimLegacyTrigger.executeWithOptions(
      { summary: `legacy claim before ${step.label} of ${day.state.gameDate}` },
      [{ gameDate: day.state.gameDate, phase: step.phase, cycleStart: cycle.countFrom, reason: `gameday:${step.id}` }],
    );
    // Firestore's server time is real time; the day's clock may run faster (a compressed local stack).
    const legacyReal = decision.legacy.triggeredAt ?? decision.legacy.triggerPendingAt;
    const legacyAt = legacyReal ? iso(virtualNow(day.state.clock, Date.parse(legacyReal))) : undefined;
    claim = { outcome: decision.outcome, reason: decision.reason, at: iso(day.now()), legacyAt };
  } catch (err) {
    claim = {
      outcome: 'unknown',
      reason: `the legacy document could not be read: ${failureText(err)}`,
      at: iso(day.now()),
    };
  }
  step.legacy = claim;
  day.log({
    executionId: `${day.state.runId}:${step.id}:legacy-claim${step.restarts ? `#${step.restarts}` : ''}`,
    processorName: 'legacy_claim',
    phase: phaseColumn(step.phase),
    triggeredAt: claim.at,
    status: `legacy_${claim.outcome.replace(/-/g, '_')}`,
    triggerSource: 'gameday',
    errorMessage: `${step.label}: ${claim.reason}`,
  });
  if (claim.outcome !== 'unknown' && mayTrigger(claim.outcome)) return 'trigger';
  if (claim.outcome === 'would-trigger' || claim.outcome === 'would-defer') {
    const would = claim.outcome === 'would-trigger' ? 'trigger' : 'leave it to the legacy orchestrator';
    day.finishStep(step, 'SKIPPED', `shadow mode: Gameday would ${would} (${claim.reason}); it triggered nothing`);
    return 'skip';
  }
  await awaitLegacyCompletions(day, step, claim);
  return 'skip';
}

/**
 * The legacy triggered (or the claim is unknown): wait for the phase's completions in this cycle. `_triggered` is
 * latched even when the legacy's publish failed, so an SLA later the step is STUCK with the force that triggers.
 */
async function awaitLegacyCompletions(day: Day, step: StepState, claim: LegacyClaim): Promise<void> {
  const countFrom = Date.parse(day.state.cycles[step.cycle].countFrom);
  // A completion from before the legacy's trigger (a scheduled run still going) is not the triggered run's.
  const legacyAt = claim.legacyAt && patched(SINCE_LEGACY_TRIGGER_PATCH) ? Date.parse(claim.legacyAt) : undefined;
  const since = legacyAt === undefined ? countFrom : Math.max(countFrom, legacyAt - CLOCK_SKEW_MS);
  const names = day.settings.catalog.processors[step.phase as 4 | 5].map((p) => p.name);
  const arrived = () => names.filter((n) => firstCountedAt(day.state, step.phase, n, since) !== undefined);
  const what = `phase-${step.phase} completions (${claim.reason})`;
  const stuckAt = day.now() + day.settings.slaMs[step.phase];
  if (!(await day.wait(step, what, stuckAt, () => arrived().length > 0))) {
    step.error = `no phase-${step.phase} completion since ${claim.reason}`;
    day.alert('STEP_STUCK', {
      step,
      message: `${day.state.gameDate} ${step.cycle}: ${step.label}: ${step.error}`,
      fixCommand: day.fix(step.phase, 'legacy trigger without completions'),
    });
    await day.wait(step, what, undefined, () => arrived().length > 0, 'STUCK');
  }
  day.finishStep(step, 'DONE', `not triggered by Gameday: ${claim.reason}; completions: ${arrived().join(', ')}`);
}
