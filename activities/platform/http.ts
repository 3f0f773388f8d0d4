import { ApplicationFailure } from '@temporalio/activity';
import { GoogleAuth } from 'google-auth-library';
import type { GamedayConfig } from '../../config/schema';
import { breakerOptions, createServiceBreakers, type PlatformService, type ServiceBreakers } from './breaker';

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
  /** The service whose circuit breaker the call goes through (default: the configured URL the call starts with). */
  service?: PlatformService;
}

export type PlatformClient = (request: PlatformRequest) => Promise<PlatformResponse>;

/**
 * HTTP to the platform's services, through one circuit breaker per service. Network errors and retryable statuses
 * throw retryable failures (the activity's retry policy does the retrying); other 4xx throw non-retryable ones;
 * 2xx and 409 are returned for the caller to read.
 */
export function createPlatformClient(
  config: GamedayConfig,
  env: NodeJS.ProcessEnv = process.env,
  breakers: ServiceBreakers = createServiceBreakers(breakerOptions(config)),
): PlatformClient {
  const apiKey = env.GAMEDAY_PLATFORM_API_KEY;
  const auth = config.platform.auth === 'google-id-token' ? new GoogleAuth() : undefined;
  // One ID-token client per audience: it keeps its token until shortly before expiry, instead of one fetch per call.
  const idTokenClients = new Map<string, ReturnType<GoogleAuth['getIdTokenClient']>>();
  const timeoutMs = config.platform.requestTimeoutSeconds * 1000;

  const send = async ({ method, url, body, idempotencyKey, timeoutMs: callTimeoutMs, signal }: PlatformRequest) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    if (apiKey) headers['x-api-key'] = apiKey;
    if (auth) {
      const audience = new URL(url).origin;
      let pending = idTokenClients.get(audience);
      if (!pending) {
        pending = auth.getIdTokenClient(audience);
        idTokenClients.set(audience, pending);
        pending.catch(() => idTokenClients.delete(audience));
      }
      const client = await pending;
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
      // A cancelled activity says nothing about the service: not a failure its breaker counts.
      if (signal?.aborted) throw err;
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

  return (request) => breakers.run(request.service ?? serviceOf(config, request.url), () => send(request));
}

const SERVICE_URLS: Record<PlatformService, keyof GamedayConfig['platform']> = {
  schedule: 'scheduleUrl',
  analytics: 'analyticsUrl',
  precompute: 'precomputeUrl',
  coordinator: 'coordinatorUrl',
  export: 'exportPushUrl',
  grading: 'gradingPushUrl',
};

/** The service a URL belongs to: the configured service URL it starts with (the longest such). */
export function serviceOf(config: GamedayConfig, url: string): PlatformService {
  let best: { service: PlatformService; length: number } = { service: 'schedule', length: -1 };
  for (const [service, key] of Object.entries(SERVICE_URLS) as [PlatformService, keyof GamedayConfig['platform']][]) {
    const base = String(config.platform[key]).replace(/\/+$/, '');
    if ((url === base || url.startsWith(`${base}/`) || url.startsWith(`${base}?`)) && base.length > best.length)
      best = { service, length: base.length };
  }
  return best.service;
}

function truncate(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
