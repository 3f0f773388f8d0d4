/**
 * One HTTP(S) request without `fetch`, which would load undici first (tens of milliseconds of a command that takes a
 * hundred) and cannot present a client certificate: plain HTTP over a socket (plain-request.ts), HTTPS with Node's
 * `https` module.
 */
import { trustDeferredExtraCaCerts } from '../extra-ca';
import { RequestTimeoutError, type HttpRequest, type HttpResponse } from './message';
import { plainHttpRequest } from './plain-request';

export type { HttpRequest, HttpResponse } from './message';

export async function httpRequest(url: string, request: HttpRequest): Promise<HttpResponse> {
  const target = new URL(url);
  if (target.protocol === 'http:') return plainHttpRequest(target, request);
  if (target.protocol !== 'https:') throw new TypeError(`not an http or https URL: ${url}`);
  trustDeferredExtraCaCerts();
  // https (TLS) loaded on first use only: most commands talk plain HTTP to a local API or none at all.
  const { request: send } = await import('node:https');
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
