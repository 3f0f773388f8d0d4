import { parseCompletionMessage, type CompletionMessage, type ParseResult } from '../domain/completion-message';

export interface PushEnvelope {
  message: {
    data: string;
    messageId?: string;
    message_id?: string;
    publishTime?: string;
    attributes?: Record<string, string>;
  };
  subscription?: string;
}

export interface DecodedPush {
  completion: CompletionMessage;
  messageId?: string;
  subscription?: string;
}

/** Decodes a Pub/Sub push request body into the completion message it carries. */
export function decodePushEnvelope(body: unknown): ParseResult<DecodedPush> {
  if (typeof body !== 'object' || body === null)
    return { ok: false, error: 'body must be a Pub/Sub push envelope (JSON object)' };
  const message = (body as PushEnvelope).message;
  if (typeof message !== 'object' || message === null) return { ok: false, error: 'push envelope has no message' };
  if (typeof message.data !== 'string' || message.data.length === 0)
    return { ok: false, error: 'push envelope message has no data' };
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(message.data, 'base64').toString('utf8'));
  } catch {
    return { ok: false, error: 'message data is not base64-encoded JSON' };
  }
  const parsed = parseCompletionMessage(decoded);
  if (!parsed.ok) return parsed;
  return {
    ok: true,
    value: {
      completion: parsed.value,
      messageId: message.messageId ?? message.message_id,
      subscription: (body as PushEnvelope).subscription,
    },
  };
}
