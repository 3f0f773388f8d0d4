/** Raised by sleeps still pending when the platform closes. */
export class PlatformClosedError extends Error {
  override name = 'PlatformClosedError';
  constructor() {
    super('local platform closed');
  }
}

/** Every timer the platform starts, so `close()` can cancel them all and leave no open handles. */
export class Timers {
  private readonly pending = new Map<NodeJS.Timeout, () => void>();
  private closed = false;

  /** `scale`: the day's clock scale; `sleepDay` waits a duration of the day's time (30 minutes at 1/600 = 3 s). */
  constructor(private readonly scale = 1) {}

  sleepDay(dayMs: number, signal?: AbortSignal): Promise<void> {
    return this.sleep(Math.max(0, dayMs * this.scale), signal);
  }

  /** Resolves after `ms`; rejects with PlatformClosedError on close, or with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.closed) return Promise.reject(new PlatformClosedError());
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        this.pending.delete(timer);
        reject(signal?.reason ?? new Error('aborted'));
      };
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      this.pending.set(timer, () => {
        signal?.removeEventListener('abort', onAbort);
        reject(new PlatformClosedError());
      });
      if (signal) {
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      }
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
    for (const [timer, cancel] of this.pending) {
      clearTimeout(timer);
      cancel();
    }
    this.pending.clear();
  }
}

/** Runs background work, swallowing the PlatformClosedError it meets when the platform shuts down. */
export function background(work: () => Promise<unknown>, log: (line: string) => void): void {
  work().catch((err: unknown) => {
    if (err instanceof PlatformClosedError) return;
    log(`background task failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  });
}
