/**
 * What the legacy orchestrator really published, as opposed to what it latched: its trigger messages on
 * `nba-phase4-trigger` (one per phase-3 table) and `nba-predictions-trigger`, read from Gameday's own subscriptions to
 * those topics without consuming them (each pulled message is released at once, so every report sees the retained
 * window). `_triggered` without a message here is the legacy's failure mode 1/3: latched, never published.
 */
import { PubSub, v1 } from '@google-cloud/pubsub';
import type { ClaimedPhase } from '../domain/legacy';

export interface LegacyPublished {
  gameDate: string;
  phase: ClaimedPhase;
  /** The first trigger message's timestamp (the legacy's own `timestamp`, else the publish time). */
  firstAt: string;
  messages: number;
  reason?: string;
}

export type PublishedByDate = Map<string, LegacyPublished>;

export const publishedKey = (gameDate: string, phase: ClaimedPhase) => `${gameDate}/${phase}`;

type Subscriber = Pick<v1.SubscriberClient, 'pull' | 'modifyAckDeadline' | 'close'>;

/** Peeks at up to `max` retained messages of each subscription (paths `projects/P/subscriptions/S`). */
export async function peekLegacyTriggers(
  subscriptions: { phase: ClaimedPhase; path: string }[],
  options: { pubsub?: PubSub; max?: number } = {},
): Promise<PublishedByDate> {
  // The PubSub client's resolved options carry the emulator (PUBSUB_EMULATOR_HOST) and project settings.
  const subscriber: Subscriber = new v1.SubscriberClient(
    (options.pubsub ?? new PubSub()).options as ConstructorParameters<typeof v1.SubscriberClient>[0],
  );
  const found: PublishedByDate = new Map();
  try {
    for (const { phase, path } of subscriptions) {
      const seen = new Set<string>();
      while (seen.size < (options.max ?? 5000)) {
        const [response] = await subscriber.pull({ subscription: path, maxMessages: 500, returnImmediately: true });
        const received = (response.receivedMessages ?? []).filter((r) => !seen.has(r.message?.messageId ?? ''));
        const ackIds = (response.receivedMessages ?? []).map((r) => r.ackId).filter((id): id is string => !!id);
        if (ackIds.length) await subscriber.modifyAckDeadline({ subscription: path, ackIds, ackDeadlineSeconds: 0 });
        if (!received.length) break;
        for (const r of received) {
          seen.add(r.message?.messageId ?? '');
          record(found, phase, r.message?.data, r.message?.publishTime);
        }
      }
    }
  } finally {
    await subscriber.close();
  }
  return found;
}

function record(found: PublishedByDate, phase: ClaimedPhase, data: unknown, publishTime: unknown): void {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(Buffer.from(data as Uint8Array).toString('utf8')) as Record<string, unknown>;
  } catch {
    return;
  }
  const gameDate = typeof body.game_date === 'string' ? body.game_date : undefined;
  if (!gameDate) return;
  const seconds = (publishTime as { seconds?: number | string } | undefined)?.seconds;
  const at =
    typeof body.timestamp === 'string' && !Number.isNaN(Date.parse(body.timestamp))
      ? new Date(body.timestamp).toISOString()
      : seconds !== undefined
        ? new Date(Number(seconds) * 1000).toISOString()
        : new Date(0).toISOString();
  const key = publishedKey(gameDate, phase);
  const current = found.get(key);
  const reason = typeof body.trigger_reason === 'string' ? body.trigger_reason : undefined;
  if (!current) found.set(key, { gameDate, phase, firstAt: at, messages: 1, reason });
  else {
    current.messages += 1;
    if (at < current.firstAt) Object.assign(current, { firstAt: at, reason: reason ?? current.reason });
  }
}
