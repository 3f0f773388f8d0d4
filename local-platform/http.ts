import type { IncomingHttpHeaders } from 'node:http';
import type { z } from 'zod';

/** What a route answers. */
export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Recorded on the request event: which scenario fault produced this answer. */
  injected?: string;
  /** Recorded on the request event: the answer came from the idempotency store. */
  replayed?: boolean;
}

export interface IncomingCall {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or undefined when the body was empty. */
  body: unknown;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

export type Handler = (call: IncomingCall) => Promise<Answer> | Answer;

export interface Route {
  method: 'GET' | 'POST';
  path: string;
  handler: Handler;
}

/** Thrown by handlers to answer with an error status and body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly injected?: string,
  ) {
    super(typeof body.message === 'string' ? body.message : `HTTP ${status}`);
  }
}

export function badRequest(message: string): HttpError {
  return new HttpError(400, { status: 'error', error: 'bad_request', message });
}

/** Validates a request body with a zod schema; 400 naming every bad field otherwise. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('request body must be a JSON object');
  }
  const result = schema.safeParse(body);
  if (!result.success) {
    throw badRequest(result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  }
  return result.data;
}

export function json(status: number, body: unknown, extra: Partial<Answer> = {}): Answer {
  return { status, body, ...extra };
}

export function answerFromError(err: unknown): Answer {
  if (err instanceof HttpError) return { status: err.status, body: err.body, injected: err.injected };
  throw err;
}

/** The path prefix of a configured service URL: `http://h:1/phase3` -> `/phase3`, `http://h:1` -> ``. */
export function pathPrefix(url: string): string {
  return new URL(url).pathname.replace(/\/+$/, '');
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
