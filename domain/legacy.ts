/**
 * Coexistence with the legacy Firestore orchestrator: its modes, its documents' trigger fields, and who owns a
 * date's trigger of phase 4 (document `phase3_completion/{date}`) or phase 5 (`phase4_completion/{date}`).
 *
 * The legacy documents are keyed by date and never reset, so the legacy counter triggers each phase at most once per
 * date. It marks `_trigger_pending` inside its transaction, publishes, then sets `_triggered` outside it, even when
 * the publish or a gate failed: `_triggered` says "the legacy tried", never "the phase ran".
 */

export const LEGACY_MODES = ['off', 'shadow', 'coexist', 'primary'] as const;
export type LegacyMode = (typeof LEGACY_MODES)[number];

/** `_triggered_by` of a claim Gameday wrote (the legacy never writes the field). */
export const TRIGGERED_BY_GAMEDAY = 'gameday';

/** The phase a claim is for, and the legacy document that guards it. */
export type ClaimedPhase = 4 | 5;

/** The trigger fields of a legacy document, timestamps as ISO strings. */
export interface LegacyTriggerFields {
  triggered: boolean;
  triggeredAt?: string;
  triggeredBy?: string;
  triggerReason?: string;
  triggerPending: boolean;
  triggerPendingAt?: string;
}

/**
 * - `claimed`: Gameday wrote the claim now and triggers.
 * - `ours`: an earlier Gameday claim (another cycle, a retried activity): Gameday triggers.
 * - `legacy`: the legacy triggered (or is triggering) in this cycle: Gameday does not trigger, it waits for the
 *   phase's completions; an SLA later the step is STUCK and an operator's force triggers anyway.
 * - `legacy-earlier`: the legacy's one trigger of the date was in an earlier cycle: it cannot trigger again, so
 *   Gameday triggers this cycle's run.
 * In shadow mode nothing is written and nothing triggers: `would-trigger` or `would-defer` (to the legacy).
 */
export type ClaimOutcome = 'claimed' | 'ours' | 'legacy' | 'legacy-earlier' | 'would-trigger' | 'would-defer';

export interface ClaimDecision {
  outcome: ClaimOutcome;
  /** What the legacy document said when it was read. */
  legacy: LegacyTriggerFields;
  reason: string;
}

/** Gameday may trigger after this claim outcome. */
export function mayTrigger(outcome: ClaimOutcome): boolean {
  return outcome === 'claimed' || outcome === 'ours' || outcome === 'legacy-earlier';
}

/**
 * Who owns the trigger, from the document as read inside the claim's transaction. `cycleStart` is the cycle's
 * countFrom: a legacy trigger before it belonged to an earlier cycle.
 */
export function decideClaim(
  fields: LegacyTriggerFields,
  cycleStartMs: number,
  shadow: boolean,
): Omit<ClaimDecision, 'legacy'> {
  const legacyAt = fields.triggeredAt ?? fields.triggerPendingAt;
  const legacyActed = (fields.triggered || fields.triggerPending) && fields.triggeredBy !== TRIGGERED_BY_GAMEDAY;
  if (fields.triggered && fields.triggeredBy === TRIGGERED_BY_GAMEDAY) {
    return { outcome: 'ours', reason: `claimed by Gameday at ${fields.triggeredAt ?? '?'}` };
  }
  if (legacyActed) {
    const what = `${fields.triggered ? 'triggered' : 'is triggering'} by the legacy orchestrator at ${legacyAt ?? '?'}${
      fields.triggerReason ? ` (${fields.triggerReason})` : ''
    }`;
    if (legacyAt !== undefined && Date.parse(legacyAt) < cycleStartMs) {
      const reason = `${what}, before this cycle: its counter cannot trigger again`;
      return { outcome: shadow ? 'would-trigger' : 'legacy-earlier', reason };
    }
    return { outcome: shadow ? 'would-defer' : 'legacy', reason: what };
  }
  return shadow
    ? { outcome: 'would-trigger', reason: 'the legacy has not triggered: Gameday would claim and trigger' }
    : { outcome: 'claimed', reason: 'claimed by Gameday' };
}

/**
 * The field the legacy writes per completed processor (`phase3_completion` and `phase4_completion` alike), with
 * `completed_at` left to the writer (a server timestamp).
 */
export interface LegacyCompletionEntry {
  correlation_id: string | null;
  status: string;
  record_count: number;
  execution_id: string | null;
}
