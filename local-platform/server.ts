import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { EventLog, RequestEvent } from './events';
import {
  answerFromError,
  badRequest,
  headerValue,
  HttpError,
  type Answer,
  type IncomingCall,
  type Route,
} from './http';
import { PlatformClosedError } from './timers';

const MAX_BODY_BYTES = 1024 * 1024;

export interface ServerOptions {
  routes: Route[];
  events: EventLog;
  log: (line: string) => void;
}

/** One node:http server for every route; each call is answered as JSON and recorded as a request event. */
export function createPlatformServer({ routes, events, log }: ServerOptions): Server {
  const byPath = new Map<string, Route[]>();
  for (const route of routes) {
    const list = byPath.get(route.path) ?? [];
    if (list.some((r) => r.method === route.method)) throw new Error(`two routes for ${route.method} ${route.path}`);
    list.push(route);
    byPath.set(route.path, list);
  }

  return createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local-platform');
    const path = url.pathname.replace(/(.)\/+$/, '$1');
    const method = (req.method ?? 'GET').toUpperCase();
    const aborter = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) aborter.abort(new Error('client closed the connection'));
    });

    let body: unknown;
    let answer: Answer;
    try {
      const text = await readBody(req);
      if (text.trim() !== '') {
        try {
          body = JSON.parse(text);
        } catch (err) {
          throw badRequest(`request body is not valid JSON: ${(err as Error).message}`);
        }
      }
      const candidates = byPath.get(path);
      const route = candidates?.find((r) => r.method === method);
      if (!candidates) {
        answer = {
          status: 404,
          body: { status: 'error', error: 'not_found', message: `no route for ${method} ${path}` },
        };
      } else if (!route) {
        answer = {
          status: 405,
          body: { status: 'error', error: 'method_not_allowed', message: `${method} is not allowed on ${path}` },
          headers: { Allow: candidates.map((r) => r.method).join(', ') },
        };
      } else {
        const call: IncomingCall = {
          method,
          path,
          query: url.searchParams,
          headers: req.headers,
          body,
          signal: aborter.signal,
        };
        answer = await route.handler(call);
      }
    } catch (err) {
      if (err instanceof HttpError) answer = answerFromError(err);
      else if (err instanceof PlatformClosedError)
        answer = { status: 503, body: { status: 'error', message: 'local platform is shutting down' } };
      else if (aborter.signal.aborted)
        answer = { status: 499, body: { status: 'error', message: 'client closed the connection' } };
      else {
        log(`internal error on ${method} ${path}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        answer = {
          status: 500,
          body: { status: 'error', error: 'internal', message: err instanceof Error ? err.message : String(err) },
        };
      }
    }

    send(res, answer);
    if (!(method === 'GET' && (path.startsWith('/_local/') || path === '/healthz'))) {
      const key = headerValue(req.headers, 'idempotency-key');
      events.add<RequestEvent>({
        type: 'request',
        method,
        path,
        query: Object.fromEntries(url.searchParams),
        ...(body !== undefined ? { body } : {}),
        status: answer.status,
        ...(answer.body !== undefined ? { response: answer.body } : {}),
        ...(key ? { idempotencyKey: key } : {}),
        ...(answer.replayed ? { replayed: true } : {}),
        ...(answer.injected ? { injected: answer.injected } : {}),
      });
      log(
        `${method} ${url.pathname}${url.search} -> ${answer.status}${answer.replayed ? ' (idempotent replay)' : ''}${answer.injected ? ` [${answer.injected}]` : ''}`,
      );
    }
  }
}

function send(res: ServerResponse, answer: Answer): void {
  if (res.destroyed || res.headersSent) return;
  const headers: Record<string, string> = { ...answer.headers };
  let payload = '';
  if (answer.body !== undefined && answer.status !== 204) {
    payload = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    headers['Content-Type'] = typeof answer.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  }
  res.writeHead(answer.status === 499 ? 400 : answer.status, headers);
  res.end(payload);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(
          new HttpError(413, {
            status: 'error',
            error: 'too_large',
            message: `request body over ${MAX_BODY_BYTES} bytes`,
          }),
        );
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
