/**
 * One plain-HTTP/1.1 request over a `node:net` socket, for the CLI's plain `http://` targets (the local stack's
 * Temporal HTTP API, the bridge's /stats). Loading and setting up `node:http` (ten internal modules, an agent, a
 * parser) costs a short command about 8 ms of a hundred: `gameday status` is measured against the official CLI
 * (BENCHMARKS.md, section 5). The request asks the server to close the connection, so the answer is everything read
 * until it does; its body is framed by Content-Length or chunked, as HTTP/1.1 allows.
 */
import { connect } from 'node:net';
import { RequestTimeoutError, type HttpRequest, type HttpResponse } from './message';

/** The answer is not HTTP/1.x as the request expects (cut short, a bad status line, bad chunk framing). */
export class MalformedResponseError extends Error {
  override name = 'MalformedResponseError';
}

const CRLF = '\r\n';

function dechunk(data: Buffer): Buffer {
  const chunks: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf(CRLF, at);
    if (lineEnd < 0) throw new MalformedResponseError('the answer ended inside a chunk size line');
    const sizeText = data.subarray(at, lineEnd).toString('latin1').split(';')[0].trim();
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw new MalformedResponseError(`bad chunk size "${sizeText}"`);
    const size = parseInt(sizeText, 16);
    if (size === 0) return Buffer.concat(chunks);
    const start = lineEnd + CRLF.length;
    const end = start + size;
    if (data.length < end + CRLF.length) throw new MalformedResponseError('the answer ended inside a chunk');
    chunks.push(data.subarray(start, end));
    at = end + CRLF.length;
  }
}

/** Parses a whole HTTP/1.x answer (status line, headers, body) as read until the server closed the connection. */
export function parseHttpResponse(raw: Buffer): HttpResponse {
  const headEnd = raw.indexOf(`${CRLF}${CRLF}`);
  if (headEnd < 0) throw new MalformedResponseError('the answer ended inside its headers');
  const [statusLine, ...headerLines] = raw.subarray(0, headEnd).toString('latin1').split(CRLF);
  const status = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
  if (!status) throw new MalformedResponseError(`not an HTTP/1.x status line: "${statusLine.slice(0, 80)}"`);
  const headers = new Map<string, string>();
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MalformedResponseError(`bad header line "${line.slice(0, 80)}"`);
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  let body = raw.subarray(headEnd + 2 * CRLF.length);
  const contentLength = headers.get('content-length');
  if (/chunked/i.test(headers.get('transfer-encoding') ?? '')) {
    body = dechunk(body);
  } else if (contentLength !== undefined) {
    const length = Number(contentLength);
    if (!/^\d+$/.test(contentLength) || body.length < length) {
      throw new MalformedResponseError(`the body is ${body.length} bytes, not the ${contentLength} announced`);
    }
    body = body.subarray(0, length);
  }
  return { status: Number(status[1]), statusText: status[2] ?? '', text: body.toString('utf8') };
}

function requestHead(target: URL, request: HttpRequest, body: string | undefined): string {
  const headers: Record<string, string> = {
    host: target.host,
    ...request.headers,
    connection: 'close',
    ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
  };
  const lines = [`${request.method ?? 'GET'} ${target.pathname}${target.search} HTTP/1.1`];
  for (const [name, value] of Object.entries(headers)) {
    // A line break in a header (from a profile or the environment) would end the header or forge another.
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new TypeError(`header "${name}" holds a line break`);
    lines.push(`${name}: ${value}`);
  }
  return lines.join(CRLF) + CRLF + CRLF;
}

export function plainHttpRequest(target: URL, request: HttpRequest): Promise<HttpResponse> {
  const body = request.body;
  return new Promise((resolve, reject) => {
    const head = requestHead(target, request, body);
    // URL keeps an IPv6 host in brackets; the socket wants the bare address.
    const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
    const socket = connect({ host, port: Number(target.port || 80) });
    const chunks: Buffer[] = [];
    const timer = setTimeout(
      () => socket.destroy(new RequestTimeoutError(`no answer in ${request.timeoutMs} ms`)),
      request.timeoutMs,
    );
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('end', () => {
      clearTimeout(timer);
      socket.end();
      try {
        resolve(parseHttpResponse(Buffer.concat(chunks)));
      } catch (err) {
        reject(err);
      }
    });
    // Not socket.end(): a server may take the half-closed connection as the client gone (Go's answers 499).
    socket.write(body === undefined ? head : head + body);
  });
}
