/**
 * Phase 4 -> 5, the legacy tiers (counted from the first phase-4 completion of the cycle): all five at once,
 * >= 4 after an hour, >= 3 after two, anything after four. Pure: the workflow turns `nextTierAt` into a
 * durable timer, so a tier fires with no new message (the legacy evaluated tiers only when one arrived).
 */
export interface Tier {
  minComplete: number;
  afterMs: number;
}

export type TierDecision =
  | { kind: 'go'; tier: Tier; complete: number; reason: string }
  | { kind: 'wait'; complete: number; nextTierAt?: number; nextTier?: Tier; reason: string };

export function evaluateTiers(
  tiers: readonly Tier[],
  complete: number,
  total: number,
  firstCompletionAt: number | undefined,
  now: number,
): TierDecision {
  if (firstCompletionAt === undefined || complete === 0) {
    return { kind: 'wait', complete, reason: `no phase-4 processor complete yet (0/${total})` };
  }
  const waited = now - firstCompletionAt;
  const sorted = [...tiers].sort((a, b) => a.afterMs - b.afterMs);
  const holding = sorted.find((t) => complete >= Math.min(t.minComplete, total) && waited >= t.afterMs);
  if (holding) {
    const reason =
      complete >= total
        ? `all ${total} phase-4 processors complete`
        : `${complete}/${total} phase-4 processors complete after ${Math.round(waited / 60_000)} min (tier >= ${holding.minComplete} after ${Math.round(holding.afterMs / 60_000)} min)`;
    return { kind: 'go', tier: holding, complete, reason };
  }
  const next = sorted.find((t) => complete >= Math.min(t.minComplete, total) && waited < t.afterMs);
  return {
    kind: 'wait',
    complete,
    nextTier: next,
    nextTierAt: next ? firstCompletionAt + next.afterMs : undefined,
    reason: next
      ? `${complete}/${total} phase-4 processors complete; tier >= ${next.minComplete} fires ${Math.round(next.afterMs / 60_000)} min after the first completion`
      : `${complete}/${total} phase-4 processors complete`,
  };
}
