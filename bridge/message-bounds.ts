/**
 * What a message may be before it becomes a signal. A platform message is a flat object of a few KB; a deeply nested
 * one overflows the stack of any recursive reader (the payload converter among them), and a large one is refused by
 * Temporal (2 MB per payload) or weighs on the date's history for good. Either way it can never be delivered, so the
 * bridge acknowledges it as unusable instead of answering an error that Pub/Sub would redeliver for days.
 */

/** Nesting deeper than this is no platform's (its messages nest two levels: `metadata` and its values). */
export const MAX_MESSAGE_DEPTH = 32;

export type MessageBounds = { ok: true } | { ok: false; code: 'too_deep' | 'too_large'; reason: string };

/** The depth of a parsed JSON value, counted without recursion (1 for a scalar), stopping past `limit`. */
export function jsonDepth(value: unknown, limit = MAX_MESSAGE_DEPTH): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length) {
    const [item, depth] = pending.pop()!;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
    if (typeof item === 'object' && item !== null) {
      for (const child of Object.values(item)) pending.push([child, depth + 1]);
    }
  }
  return deepest;
}

export function checkMessageBounds(message: unknown, maxBytes: number): MessageBounds {
  if (jsonDepth(message) > MAX_MESSAGE_DEPTH) {
    return { ok: false, code: 'too_deep', reason: `the message nests deeper than ${MAX_MESSAGE_DEPTH} levels` };
  }
  const bytes = Buffer.byteLength(JSON.stringify(message));
  if (bytes > maxBytes) {
    return {
      ok: false,
      code: 'too_large',
      reason: `the message is ${bytes} bytes, over bridge.maxMessageBytes (${maxBytes}): a signal that large would weigh on the date's history`,
    };
  }
  return { ok: true };
}
