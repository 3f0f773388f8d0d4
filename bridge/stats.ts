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
  recent: BridgeSample[];
}

const KEEP = 20;

export class BridgeStats {
  private readonly since = new Date().toISOString();
  private received = 0;
  private readonly byOutcome: Record<string, number> = {};
  private readonly byReason: Record<string, number> = {};
  private readonly recent: BridgeSample[] = [];

  record(outcome: BridgeOutcome, code: string, sample?: Omit<BridgeSample, 'at' | 'outcome'>): void {
    this.received += 1;
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
      recent: [...this.recent],
    };
  }
}
