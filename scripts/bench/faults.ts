/**
 * The chaos draw: faults from PLATFORM.md's failure catalogue (the numbers are its "failure modes seen in
 * production"), one per faulty date, about one date in five, from a seeded generator so every run draws the same.
 */

export const FAULT_KINDS = {
  'phase3-silent': 'mode 5/7: upcoming_team_game_context never publishes, even when re-run (the 2025-12-29 incident)',
  'phase4-5xx': 'mode 3: the first three phase-4 calls of the day fail with 503',
  'silent-403': 'mode 9: phase 4 answers 403 to its first eight calls (invoker rights stripped by a redeploy)',
  'phase4-failed-result': 'phase 4: player_daily_cache answers a failed result once',
  'coordinator-503': 'phase 5: the coordinator answers 503 DATA_INCOMPLETE to the first two starts',
  'stalled-batch': 'phase 5: the first prediction batch stops at 40% and never completes',
  'duplicate-delivery': 'mode 9: every completion delivered three times (duplicate subscriptions)',
  'grading-silent': 'mode 7: the first grading run publishes no completion',
} as const;

export type FaultKind = keyof typeof FAULT_KINDS;

/** mulberry32: a small seeded generator, enough for a reproducible draw. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One fault kind (or none) per date: each date faulty with probability `rate`, the kind drawn uniformly. */
export function drawFaults(dates: string[], seed: number, rate: number): Map<string, FaultKind> {
  const next = generator(seed);
  const kinds = Object.keys(FAULT_KINDS) as FaultKind[];
  const draw = new Map<string, FaultKind>();
  for (const date of dates) {
    const faulty = next() < rate;
    const kind = kinds[Math.floor(next() * kinds.length)];
    if (faulty) draw.set(date, kind);
  }
  return draw;
}
