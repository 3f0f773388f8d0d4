/**
 * Polls `probe` every 100 ms until it returns something other than `undefined`, and returns that; throws naming
 * `what` after `ms`. For tests that watch real processes (a worker, a server, the local platform) from outside.
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 180_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
