/** What the bridge did with what it received: counts per outcome and reason, and the newest unusable messages. */
export type BridgeOutcome =
  | 'delivered'
  | 'duplicate'
  | 'ignored'
  | 'unusable'
  | 'not_running'
  | 'closed'
  | 'unavailable'
  /** Not authenticated (401) or not the push service account (403): never read, never a signal. */
  | 'rejected';

export interface BridgeSample {
  at: string;
  outcome: BridgeOutcome;
  reason: string;
  messageId?: string;
  gameDate?: string;
}

export interface BridgeStatsView {
  since: string;
  received: number;
  byOutcome: Record<string, number>;
  byReason: Record<string, number>;
  /** Pushes refused since the last one that passed authentication (absent in views of bridges before it). */
  refusedSincePassed?: number;
  recent: BridgeSample[];
}

const KEEP = 20;

export class BridgeStats {
  private readonly since = new Date().toISOString();
  private received = 0;
  private readonly byOutcome: Record<string, number> = {};
  private readonly byReason: Record<string, number> = {};
  private refusedSincePassed = 0;
  private readonly recent: BridgeSample[] = [];

  record(outcome: BridgeOutcome, code: string, sample?: Omit<BridgeSample, 'at' | 'outcome'>): void {
    this.received += 1;
    this.refusedSincePassed = outcome === 'rejected' ? this.refusedSincePassed + 1 : 0;
    this.byOutcome[outcome] = (this.byOutcome[outcome] ?? 0) + 1;
    this.byReason[code] = (this.byReason[code] ?? 0) + 1;
    if (sample && outcome !== 'delivered' && outcome !== 'duplicate') {
      this.recent.push({ at: new Date().toISOString(), outcome, ...sample });
      if (this.recent.length > KEEP) this.recent.shift();
    }
  }

  view(): BridgeStatsView {
    return {
      since: this.since,
      received: this.received,
      byOutcome: { ...this.byOutcome },
      byReason: { ...this.byReason },
      refusedSincePassed: this.refusedSincePassed,
      recent: [...this.recent],
    };
  }
}

/**
 * Refusals in a row that mean the bridge is refusing Pub/Sub itself: Pub/Sub redelivers a refused push within
 * minutes, so a lasting misconfiguration repeats; one stray unauthenticated POST to the public endpoint does not.
 */
export const REFUSALS_TO_FAIL = 3;

export interface RefusedPushes {
  refused: number;
  /** At least REFUSALS_TO_FAIL refusals and none passed authentication since: nothing reaches the days. */
  stillRefusing: boolean;
  text: string;
}

/**
 * Pushes the bridge refused (401/403): Pub/Sub redelivers them for days, and no completion in them reaches a day
 * (failure mode 9 on Gameday's own endpoint). Undefined when there were none.
 */
export function refusedPushes(view: BridgeStatsView): RefusedPushes | undefined {
  const refused = view.byOutcome.rejected ?? 0;
  if (!refused) return undefined;
  const inARow = view.refusedSincePassed ?? 0;
  const stillRefusing = inARow >= REFUSALS_TO_FAIL;
  const newest = [...view.recent].reverse().find((s) => s.outcome === 'rejected');
  const why = newest ? `, the newest at ${newest.at}: ${newest.reason}` : '';
  const since = stillRefusing
    ? `; the last ${inARow} in a row, none passed since: Pub/Sub redelivers them and no completion reaches a day (the push subscription's service account or audience?)`
    : '';
  return { refused, stillRefusing, text: `${refused} push(es) refused (401/403) since ${view.since}${why}${since}` };
}
