/**
 * `GET /healthz` (the process answers) and `GET /readyz` (it can do its work: 200, else 503 with the reason), for
 * a container's liveness and readiness probes.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Readiness {
  ready: boolean;
  /** What is (not) ready, in words. */
  detail: string;
}

export type ReadinessCheck = () => Promise<Readiness>;

/**
 * Answers a probe request; false when the path is not a probe (the caller routes it). `about` (e.g. the worker's
 * build ID) is part of every /healthz answer.
 */
export async function answerProbe(
  req: IncomingMessage,
  res: ServerResponse,
  check: ReadinessCheck,
  about: Record<string, unknown> = {},
): Promise<boolean> {
  const path = (req.url ?? '').split('?')[0];
  if (req.method !== 'GET' || (path !== '/healthz' && path !== '/readyz')) return false;
  if (path === '/healthz') {
    sendJson(res, 200, { ok: true, ...about });
    return true;
  }
  let readiness: Readiness;
  try {
    readiness = await check();
  } catch (err) {
    readiness = { ready: false, detail: (err as Error).message };
  }
  sendJson(res, readiness.ready ? 200 : 503, readiness);
  return true;
}

/** Readiness needs Temporal to answer within `timeoutMs`: a hung connection is not ready. */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer in ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export interface HealthServer {
  url: string;
  close(): Promise<void>;
}

export async function startHealthServer(options: {
  host: string;
  port: number;
  check: ReadinessCheck;
  /** What /healthz says besides `ok` (the worker: its build ID and deployment). */
  about?: Record<string, unknown>;
}): Promise<HealthServer> {
  const server = createServer((req, res) => {
    answerProbe(req, res, options.check, options.about)
      .then((answered) => {
        if (!answered) sendJson(res, 404, { error: 'GET /healthz or /readyz' });
      })
      .catch((err: unknown) => sendJson(res, 500, { error: String(err) }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
