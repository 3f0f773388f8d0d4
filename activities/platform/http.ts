import { ApplicationFailure } from '@temporalio/activity';
import { GoogleAuth } from 'google-auth-library';
import type { GamedayConfig } from '../../config/schema';

/** Statuses worth retrying: timeouts, throttling and server errors. 409 is answered by the caller. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

export interface PlatformResponse {
  status: number;
  body: unknown;
}

export interface PlatformRequest {
  method: 'GET' | 'POST';
  url: string;
  body?: unknown;
  idempotencyKey?: string;
  /** Default: config.platform.requestTimeoutSeconds. */
  timeoutMs?: number;
  /** Aborts the call (the activity was cancelled). */
  signal?: AbortSignal;
}

export type PlatformClient = (request: PlatformRequest) => Promise<PlatformResponse>;

/**
 * HTTP to the platform's services. Network errors and retryable statuses throw retryable failures
 * (the activity's retry policy does the retrying); other 4xx throw non-retryable ones; 2xx and 409
 * are returned for the caller to read.
 */
export function createPlatformClient(config: GamedayConfig, env: NodeJS.ProcessEnv = process.env): PlatformClient {
  const apiKey = env.GAMEDAY_PLATFORM_API_KEY;
  const auth = config.platform.auth === 'google-id-token' ? new GoogleAuth() : undefined;
  const timeoutMs = config.platform.requestTimeoutSeconds * 1000;

  return async ({ method, url, body, idempotencyKey, timeoutMs: callTimeoutMs, signal }) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    if (apiKey) headers['x-api-key'] = apiKey;
    if (auth) {
      const audience = new URL(url).origin;
      const client = await auth.getIdTokenClient(audience);
      Object.assign(headers, Object.fromEntries((await client.getRequestHeaders(url)).entries()));
    }
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signal
          ? AbortSignal.any([signal, AbortSignal.timeout(callTimeoutMs ?? timeoutMs)])
          : AbortSignal.timeout(callTimeoutMs ?? timeoutMs),
      });
    } catch (err) {
      throw ApplicationFailure.retryable(`${method} ${url} failed: ${(err as Error).message}`, 'PlatformUnreachable');
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // keep the text: error pages are not always JSON
    }
    if (response.ok || response.status === 409) return { status: response.status, body: parsed };
    const summary = `${method} ${url} answered ${response.status}: ${truncate(text)}`;
    if (isRetryableStatus(response.status))
      throw ApplicationFailure.retryable(summary, 'PlatformUnavailable', { status: response.status });
    throw ApplicationFailure.nonRetryable(summary, 'PlatformRejected', { status: response.status });
  };
}

function truncate(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
