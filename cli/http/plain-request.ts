/**
 * One plain-HTTP/1.1 request over a `node:net` socket, for the CLI's plain `http://` targets (the local stack's
 * Temporal HTTP API, the bridge's /stats). Loading and setting up `node:http` (ten internal modules, an agent, a
 * parser) costs a short command about 8 ms of a hundred: `gameday status` is measured against the official CLI
 * (BENCHMARKS.md, section 5). One request per connection (`Connection: close`); the answer is taken once its body
 * is whole (Content-Length or chunked, as HTTP/1.1 frames it), or at the close for a body framed by neither.
 */
import { connect } from 'node:net';
import { RequestTimeoutError, type HttpRequest, type HttpResponse } from './message';

/** The answer is not HTTP/1.x as the request expects (cut short, a bad status line, bad chunk framing). */
export class MalformedResponseError extends Error {
  override name = 'MalformedResponseError';
}

const CRLF = '\r\n';

/** The chunks of a chunked body, or undefined while the last chunk has not arrived yet. */
function dechunk(data: Buffer): Buffer | undefined {
  const chunks: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf(CRLF, at);
    if (lineEnd < 0) return undefined;
    const sizeText = data.subarray(at, lineEnd).toString('latin1').split(';')[0].trim();
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw new MalformedResponseError(`bad chunk size "${sizeText}"`);
    const size = parseInt(sizeText, 16);
    if (size === 0) return Buffer.concat(chunks);
    const start = lineEnd + CRLF.length;
    const end = start + size;
    if (data.length < end + CRLF.length) return undefined;
    chunks.push(data.subarray(start, end));
    at = end + CRLF.length;
  }
}

/**
 * The answer read so far, once it is whole: its status line, headers and a body framed by Content-Length or
 * chunks; a body without either ends with the connection (`closed`). Undefined while more is to come; an answer
 * the server cut short (`closed`) or that is not HTTP/1.x is refused.
 */
export function completeResponse(raw: Buffer, closed: boolean): HttpResponse | undefined {
  const cutShort = (where: string) => {
    if (closed) throw new MalformedResponseError(`the answer ended inside ${where}`);
    return undefined;
  };
  const headEnd = raw.indexOf(`${CRLF}${CRLF}`);
  if (headEnd < 0) return cutShort('its headers');
  const [statusLine, ...headerLines] = raw.subarray(0, headEnd).toString('latin1').split(CRLF);
  const status = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
  if (!status) throw new MalformedResponseError(`not an HTTP/1.x status line: "${statusLine.slice(0, 80)}"`);
  const headers = new Map<string, string>();
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MalformedResponseError(`bad header line "${line.slice(0, 80)}"`);
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  let body: Buffer | undefined = raw.subarray(headEnd + 2 * CRLF.length);
  const contentLength = headers.get('content-length');
  if (/chunked/i.test(headers.get('transfer-encoding') ?? '')) {
    body = dechunk(body);
    if (!body) return cutShort('its chunks');
  } else if (contentLength !== undefined) {
    if (!/^\d+$/.test(contentLength)) throw new MalformedResponseError(`bad Content-Length "${contentLength}"`);
    const length = Number(contentLength);
    if (body.length < length) return cutShort(`its body (${body.length} of ${length} bytes)`);
    body = body.subarray(0, length);
  } else if (!closed) {
    return undefined;
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
    let received = Buffer.alloc(0);
    let settled = false;
    const settle = (outcome: () => HttpResponse | undefined) => {
      let response: HttpResponse | undefined;
      try {
        response = outcome();
        if (!response) return;
      } catch (err) {
        settled = true;
        socket.destroy();
        reject(err as Error);
        return;
      }
      settled = true;
      socket.destroy();
      resolve(response);
    };
    const timer = setTimeout(
      () => socket.destroy(new RequestTimeoutError(`no answer in ${request.timeoutMs} ms`)),
      request.timeoutMs,
    );
    // The answer is taken as soon as it is whole: a server that keeps the connection open is not waited for.
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      settle(() => completeResponse(received, false));
    });
    socket.on('end', () => {
      if (!settled) settle(() => completeResponse(received, true));
    });
    socket.on('close', () => clearTimeout(timer));
    socket.on('error', (err) => {
      if (settled) return;
      settled = true;
      reject(err);
    });
    // Not socket.end(): a server may take the half-closed connection as the client gone (Go's answers 499).
    socket.write(body === undefined ? head : head + body);
  });
}
