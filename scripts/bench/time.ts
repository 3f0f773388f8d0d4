/** Sub-millisecond epoch time, comparable across the bench's client, bridge and platform (one process). */
export function now(): number {
  return performance.timeOrigin + performance.now();
}
