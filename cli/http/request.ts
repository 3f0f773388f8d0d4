/**
 * One HTTP(S) request with Node's own `http`/`https` modules: `fetch` would load undici first (tens of
 * milliseconds of a command that takes a hundred), and cannot present a client certificate.
 */
import { request as plainRequest } from 'node:http';
import { trustDeferredExtraCaCerts } from '../extra-ca';

export interface HttpResponse {
  status: number;
  statusText: string;
  text: string;
}

export interface HttpRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** TLS for https: a client certificate and key, a CA, a server name (as the gRPC connection's). */
  tls?: { cert?: Buffer; key?: Buffer; ca?: Buffer; servername?: string };
}

/** Raised when no answer came within `timeoutMs` (name TimeoutError, as AbortSignal.timeout's). */
export class RequestTimeoutError extends Error {
  override name = 'TimeoutError';
}

export async function httpRequest(url: string, request: HttpRequest): Promise<HttpResponse> {
  const target = new URL(url);
  if (target.protocol === 'https:') trustDeferredExtraCaCerts();
  // https (TLS) loaded on first use only: most commands talk plain HTTP to a local API or none at all.
  const send = target.protocol === 'https:' ? (await import('node:https')).request : plainRequest;
  const headers = {
    ...request.headers,
    ...(request.body ? { 'content-length': String(Buffer.byteLength(request.body)) } : {}),
  };
  return new Promise((resolve, reject) => {
    const req = send(target, { method: request.method ?? 'GET', headers, ...request.tls }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          text: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    const timer = setTimeout(
      () => req.destroy(new RequestTimeoutError(`no answer in ${request.timeoutMs} ms`)),
      request.timeoutMs,
    );
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(request.body);
  });
}
