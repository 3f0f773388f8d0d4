/**
 * The claim Gameday makes before it triggers phase 4 or 5 of a date: in one Firestore transaction, it reads the
 * legacy document that guards the trigger and writes `_triggered`, `_triggered_at`, `_trigger_reason` and
 * `_triggered_by: 'gameday'` only if nobody has triggered (or is triggering). The legacy functions check
 * `_triggered` inside their own transaction, so exactly one of the two triggers. Shadow mode reads and writes nothing.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Firestore } from '@google-cloud/firestore';
import type { GamedayConfig } from '../../config/schema';
import { decideClaim, TRIGGERED_BY_GAMEDAY, type ClaimDecision, type ClaimedPhase } from '../../domain/legacy';
import { firestorePackage, guardDoc, triggerFields } from './legacy-docs';

export interface LegacyClaimRequest {
  gameDate: string;
  phase: ClaimedPhase;
  /** The cycle's countFrom (ISO): a legacy trigger before it belonged to an earlier cycle. */
  cycleStart: string;
  /** `_trigger_reason` of the claim, e.g. `gameday:same_day/phase4`. */
  reason: string;
}

export async function claimLegacyTrigger(
  db: Firestore,
  config: GamedayConfig,
  request: LegacyClaimRequest,
): Promise<ClaimDecision> {
  const mode = config.legacy.mode;
  if (mode === 'off') {
    throw ApplicationFailure.nonRetryable(
      'legacy.mode is off on this worker: there is no legacy document to claim',
      'InvalidInput',
    );
  }
  const ref = guardDoc(db, config, request.phase, request.gameDate);
  const cycleStartMs = Date.parse(request.cycleStart);
  if (mode === 'shadow') {
    const legacy = triggerFields((await ref.get()).data());
    return { ...decideClaim(legacy, cycleStartMs, true), legacy };
  }
  return db.runTransaction(async (tx) => {
    const legacy = triggerFields((await tx.get(ref)).data());
    const decision = decideClaim(legacy, cycleStartMs, false);
    if (decision.outcome === 'claimed') {
      tx.set(
        ref,
        {
          _triggered: true,
          _triggered_at: firestorePackage().FieldValue.serverTimestamp(),
          _trigger_reason: request.reason,
          _triggered_by: TRIGGERED_BY_GAMEDAY,
        },
        { merge: true },
      );
    }
    return { ...decision, legacy };
  });
}
