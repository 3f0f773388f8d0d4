/**
 * Payloads as the Temporal HTTP API returns them. With `?noPayloadShorthand` (what the CLI asks for) a payload is
 * `{ metadata: { encoding: <base64> }, data: <base64> }`, decoded here by the default data converter's rules (the one
 * Gameday uses: json/plain, binary/null, binary/plain). Without it (the shorthand, e.g. through a proxy that drops the
 * parameter) a JSON payload is the value itself, with empty arrays turned into null: read as it is.
 */

interface FullPayload {
  metadata: { encoding: string };
  data?: string;
}

const fromBase64 = (text: string): Buffer => Buffer.from(text, 'base64');

function isFullPayload(value: unknown): value is FullPayload {
  const metadata = (value as { metadata?: { encoding?: unknown } } | null)?.metadata;
  return typeof metadata?.encoding === 'string';
}

/** One payload: the full form decoded by its encoding, a shorthand value as it is. */
export function decodePayload(payload: unknown): unknown {
  if (!isFullPayload(payload)) return payload;
  const encoding = fromBase64(payload.metadata.encoding).toString('utf8');
  const data = fromBase64(payload.data ?? '');
  switch (encoding) {
    case 'json/plain':
      return JSON.parse(data.toString('utf8'));
    case 'binary/null':
      return undefined;
    case 'binary/plain':
      return new Uint8Array(data);
    default:
      throw new Error(`a payload encoded as ${encoding}, which the CLI does not decode`);
  }
}

/** The first value of a Payloads message: `{ payloads: [...] }` in full form, an array in shorthand. */
export function firstPayload(payloads: unknown): unknown {
  if (Array.isArray(payloads)) return payloads[0];
  const list = (payloads as { payloads?: unknown[] } | undefined)?.payloads;
  return list?.length ? decodePayload(list[0]) : undefined;
}
