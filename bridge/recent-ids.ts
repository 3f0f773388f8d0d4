/**
 * Pub/Sub message IDs this bridge delivered or acknowledged recently (bounded, oldest forgotten first). A
 * redelivery answers 200 without a signal, so 10,000 redeliveries of one message cost one signal, not 10,000.
 * Each bridge replica has its own; the date's workflow deduplicates again by message ID.
 */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity: number) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    if (this.ids.has(id)) return;
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value as string;
      this.ids.delete(oldest);
    }
  }

  get size(): number {
    return this.ids.size;
  }
}
