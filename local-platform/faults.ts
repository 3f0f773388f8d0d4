/** Counts calls per fault key, so "the first N calls" faults know when to stop. Reset on setScenario. */
export class FaultCounters {
  private readonly counts = new Map<string, number>();

  /** Counts one call under `key`; true while the count is within the first `times`. */
  hit(key: string, times: number | boolean | undefined): boolean {
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    if (times === true) return true;
    return typeof times === 'number' && n <= times;
  }

  reset(): void {
    this.counts.clear();
  }
}
