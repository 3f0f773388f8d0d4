/**
 * A pure model of the legacy orchestrator (Firestore counters and Cloud Scheduler jobs) under the same fault
 * draw, from its four rules in PLATFORM.md and the incident analysis:
 * - the 3 -> 4 counter fires at 5 of 5 only (no partial trigger);
 * - a trigger is latched (`_triggered`) before its publish succeeds: a failed trigger is never retried;
 * - the 4 -> 5 tiers are evaluated only when a message arrives (a processor that never publishes again blocks them);
 * - self-heal looks only at tomorrow, so today's missing predictions are never healed nor reported that day.
 * The prediction waves are scheduler jobs every hour from 08:00: a stalled batch or a 503 is followed by the next
 * wave once phase 4's data is there. Grading readiness is re-checked every 15 minutes, re-triggering.
 */
import type { FaultKind } from './faults';

export interface LegacyOutcome {
  predictionsBeforeDeadline: boolean;
  predictions: boolean;
  duplicateTriggers: number;
  manualInterventions: number;
  /** Minutes from the fault to an alert the same day; undefined: nothing reports it that day. */
  detectionMinutes?: number;
}

const OK: LegacyOutcome = {
  predictionsBeforeDeadline: true,
  predictions: true,
  duplicateTriggers: 0,
  manualInterventions: 0,
};
/** Phase 4 never runs: every wave's /start answers 503 DATA_INCOMPLETE; someone notices the next day. */
const NO_PHASE4: LegacyOutcome = {
  predictionsBeforeDeadline: false,
  predictions: false,
  duplicateTriggers: 0,
  manualInterventions: 1,
};

export function legacyOutcome(fault: FaultKind | undefined): LegacyOutcome {
  switch (fault) {
    case undefined:
      return OK;
    // 4/5 forever: the 5-of-5 counter never fires (the 2025-12-29 incident).
    case 'phase3-silent':
      return NO_PHASE4;
    // The trigger was latched before the failing publish: never retried.
    case 'phase4-5xx':
    case 'silent-403':
      return NO_PHASE4;
    // 4 of 5 complete and no further message: the >= 4-after-1-h tier is never evaluated, phase 5 never triggered
    // by the orchestrator; ml_feature_store depends on player_daily_cache, so the scheduled waves get 503.
    case 'phase4-failed-result':
      return NO_PHASE4;
    // The next hourly wave starts a batch that completes: predictions, a wave or two late.
    case 'coordinator-503':
    case 'stalled-batch':
      return OK;
    // Each duplicate subscription runs the orchestrator: the completing message triggers 3 -> 4 and 4 -> 5 again.
    case 'duplicate-delivery':
      return { ...OK, duplicateTriggers: 2 * 2 };
    // The readiness check re-triggers grading 15 minutes later; predictions unaffected.
    case 'grading-silent':
      return { ...OK, duplicateTriggers: 1 };
  }
}
