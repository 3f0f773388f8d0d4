import type { Delivery } from '../domain/messages';

export type DecodedPush =
  { ok: true; message: unknown; delivery: Delivery } | { ok: false; error: string; delivery?: Delivery };

/**
 * Decodes a Pub/Sub push request body: `{message: {data (base64 JSON), messageId, message_id, publishTime,
 * publish_time, attributes}, subscription, deliveryAttempt?}`. Never throws: a body it cannot use says why.
 */
export function decodePushEnvelope(body: unknown): DecodedPush {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, error: 'the body is not a Pub/Sub push envelope (a JSON object)' };
  }
  const envelope = body as Record<string, unknown>;
  const message = envelope.message as Record<string, unknown> | undefined;
  if (typeof message !== 'object' || message === null) return { ok: false, error: 'the push envelope has no message' };
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);
  const attributes =
    typeof message.attributes === 'object' && message.attributes !== null
      ? Object.fromEntries(Object.entries(message.attributes).filter(([, v]) => typeof v === 'string'))
      : undefined;
  const delivery: Delivery = {
    messageId: text(message.messageId) ?? text(message.message_id),
    publishTime: text(message.publishTime) ?? text(message.publish_time),
    subscription: text(envelope.subscription),
    attributes: attributes as Record<string, string> | undefined,
    deliveryAttempt: typeof envelope.deliveryAttempt === 'number' ? envelope.deliveryAttempt : undefined,
  };
  if (typeof message.data !== 'string' || message.data.length === 0) {
    return { ok: false, error: 'the push message has no data', delivery };
  }
  try {
    return { ok: true, message: JSON.parse(Buffer.from(message.data, 'base64').toString('utf8')), delivery };
  } catch {
    return { ok: false, error: 'the message data is not base64-encoded JSON', delivery };
  }
}
