/** The 4 -> 5 rule of a cycle: the legacy tiers over what phase 4 completed since the cycle began. */
import type { StepState } from '../../contracts/state';
import { evaluateTiers, type TierDecision } from '../../domain/phase4-tiers';
import type { Day } from '../day/day';
import { iso, phase4View } from '../day/record';

export function phase4To5(day: Day, step: StepState): TierDecision {
  const processors = day.settings.precompute.map((p) => p.name);
  const view = phase4View(day.state, processors, Date.parse(day.state.cycles[step.cycle].countFrom));
  const decision = evaluateTiers(day.settings.tiers, view.complete.length, view.total, view.firstAt, day.now());
  step.phase4 = {
    total: view.total,
    complete: view.complete,
    firstCompletionAt: view.firstCompletionAt,
    nextTierAt: decision.kind === 'wait' && decision.nextTierAt !== undefined ? iso(decision.nextTierAt) : undefined,
    decision: decision.reason,
  };
  return decision;
}
