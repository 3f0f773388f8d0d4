import { answerFromError, HttpError, type Answer } from './http';

interface Entry {
  fingerprint: string;
  answer: Promise<Answer>;
}

/**
 * Idempotency-Key handling for trigger endpoints: a repeated key (per endpoint) gets the first answer
 * back without running again. Answers with a 5xx status are not kept, so a retry after a transient
 * failure runs for real. Reusing a key with a different body is a client bug: 422.
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  async run(scope: string, key: string | undefined, body: unknown, execute: () => Promise<Answer>): Promise<Answer> {
    // A handler's HttpError (404, 409...) is an answer like any other, so it is kept for replay.
    const attempt = (): Promise<Answer> => execute().catch(answerFromError);
    if (!key) return attempt();
    const id = `${scope}\u0000${key}`;
    const fingerprint = canonicalJson(body);
    const existing = this.entries.get(id);
    if (existing) {
      if (existing.fingerprint !== fingerprint) {
        throw new HttpError(422, {
          status: 'error',
          error: 'idempotency_key_reused',
          message: `Idempotency-Key ${JSON.stringify(key)} was already used with a different request body`,
        });
      }
      const first = await existing.answer;
      return { ...first, replayed: true, headers: { ...first.headers, 'Idempotent-Replayed': 'true' } };
    }
    const answer = attempt();
    this.entries.set(id, { fingerprint, answer });
    try {
      const settled = await answer;
      if (settled.status >= 500) this.entries.delete(id);
      return settled;
    } catch (err) {
      this.entries.delete(id);
      throw err;
    }
  }
}

/** JSON with object keys sorted, so bodies that differ only in key order match. */
export function canonicalJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(
            Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
          )
        : v,
    ) ?? 'undefined'
  );
}
