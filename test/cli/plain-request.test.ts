/**
 * The CLI's plain-HTTP client (cli/http/plain-request.ts) against raw TCP servers that answer byte for byte what a
 * test writes: both body framings, what it sends, and the answers it must refuse; against node:http for a real server.
 */
import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { completeResponse, MalformedResponseError, plainHttpRequest } from '../../cli/http/plain-request';
import { httpRequest } from '../../cli/http/request';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A TCP server that reads a request's head (and `Content-Length` body), then hands the socket to `answer`. */
async function rawServer(answer: (socket: Socket, request: string) => void): Promise<string> {
  const server = createServer((socket) => {
    let seen = '';
    socket.on('data', (chunk) => {
      seen += chunk.toString('latin1');
      const headEnd = seen.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(seen)?.[1] ?? 0);
      if (seen.length >= headEnd + 4 + length) answer(socket, seen);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const raw = (text: string) => Buffer.from(text, 'latin1');
/** An answer as read until the server closed the connection. */
const atClose = (answer: Buffer) => completeResponse(answer, true);

describe('completeResponse at the close', () => {
  test('a Content-Length body, cut to its length', () => {
    expect(atClose(raw('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello'))).toEqual({
      status: 200,
      statusText: 'OK',
      text: 'hello',
    });
  });

  test('a chunked body (sizes in hex, extensions and trailers ignored), UTF-8 split across chunks', () => {
    const euro = Buffer.from('€');
    const body = Buffer.concat([
      raw('HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n'),
      raw('a;ext=1\r\n{"code":5,'),
      raw('\r\n3\r\n"x"\r\n2\r\n'),
      euro.subarray(0, 2),
      raw('\r\n1\r\n'),
      euro.subarray(2),
      raw('\r\n1\r\n}\r\n0\r\nX-Trailer: t\r\n\r\n'),
    ]);
    expect(atClose(body)).toEqual({ status: 404, statusText: 'Not Found', text: '{"code":5,"x"€}' });
  });

  test('no framing: the body is everything until the close; a status line without a reason', () => {
    expect(atClose(raw('HTTP/1.0 503\r\n\r\nbusy'))).toEqual({ status: 503, statusText: '', text: 'busy' });
  });

  test.each([
    ['cut inside its headers', 'HTTP/1.1 200 OK\r\nContent-Length: 2'],
    ['not HTTP', 'SSH-2.0-OpenSSH_9.6\r\n\r\n'],
    ['a header without a colon', 'HTTP/1.1 200 OK\r\nbroken\r\n\r\n'],
    ['shorter than its Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort'],
    ['a bad Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n'],
    ['a bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n'],
    ['cut inside a chunk', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc'],
    ['no last chunk', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n'],
  ])('refuses an answer %s', (_, text) => {
    expect(() => atClose(raw(text))).toThrow(MalformedResponseError);
  });
});

describe('completeResponse', () => {
  test('undefined until the answer is whole, for each framing; then the answer', () => {
    const framings = [
      'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhe\r\n3\r\nllo\r\n0\r\n\r\n',
    ];
    for (const text of framings) {
      for (let cut = 0; cut < text.length - 2; cut++) {
        expect(completeResponse(raw(text.slice(0, cut)), false)).toBeUndefined();
      }
      expect(completeResponse(raw(text), false)).toEqual({ status: 200, statusText: 'OK', text: 'hello' });
    }
    // Neither framing: whole only when the connection closes.
    expect(completeResponse(raw('HTTP/1.1 200 OK\r\n\r\nhello'), false)).toBeUndefined();
    expect(completeResponse(raw('HTTP/1.1 200 OK\r\n\r\nhello'), true)?.text).toBe('hello');
  });
});

describe('plainHttpRequest', () => {
  test('an answer sent in pieces, and a server that keeps the connection open after it: taken once whole', async () => {
    let socketClosed = false;
    const base = await rawServer((socket) => {
      socket.on('close', () => (socketClosed = true));
      const pieces = [
        'HTTP/1.1 200 OK\r\nTransfer-',
        'Encoding: chunked\r\n\r\n4\r\n{"a"',
        '\r\n3\r\n:1}\r\n0\r\n\r\n',
      ];
      pieces.forEach((piece, i) => setTimeout(() => socket.write(piece), 30 * i));
    });
    const answer = await plainHttpRequest(new URL(base), { timeoutMs: 2000 });
    expect(answer).toEqual({ status: 200, statusText: 'OK', text: '{"a":1}' });
    // The client closed the connection the server left open.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(socketClosed).toBe(true);
  });

  test('sends the method, path with query, host, headers, Connection: close and the body with its length', async () => {
    let request = '';
    const base = await rawServer((socket, seen) => {
      request = seen;
      socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}');
    });
    const url = new URL(`${base}/api/v1/x%2Fy?a=1&b=2`);
    const answer = await plainHttpRequest(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
      body: '{"é":1}',
      timeoutMs: 5000,
    });
    expect(answer).toEqual({ status: 200, statusText: 'OK', text: '{}' });
    const [head, body] = request.split('\r\n\r\n');
    const [requestLine, ...headers] = head.split('\r\n');
    expect(requestLine).toBe('POST /api/v1/x%2Fy?a=1&b=2 HTTP/1.1');
    expect(headers.sort()).toEqual(
      [
        `host: ${url.host}`,
        'content-type: application/json',
        'authorization: Bearer k',
        'connection: close',
        'content-length: 8',
      ].sort(),
    );
    expect(Buffer.from(body, 'latin1').toString('utf8')).toBe('{"é":1}');
  });

  test('a real HTTP server (node:http) answering with chunks, over IPv4 and IPv6 when the host has it', async () => {
    let received: { method?: string; url?: string; headers?: IncomingHttpHeaders; body?: string } = {};
    const server = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received = { method: req.method, url: req.url, headers: req.headers, body };
        res.writeHead(201, 'Made', { 'content-type': 'application/json' });
        res.write('{"a":');
        res.end('[1,2]}');
      });
    });
    servers.push(server as unknown as Server);
    await new Promise<void>((resolve) => server.listen(0, '::', resolve));
    const port = (server.address() as AddressInfo).port;
    const answer = await httpRequest(`http://127.0.0.1:${port}/p?q=1`, { method: 'POST', body: 'hi', timeoutMs: 5000 });
    expect(answer).toEqual({ status: 201, statusText: 'Made', text: '{"a":[1,2]}' });
    expect(received).toMatchObject({ method: 'POST', url: '/p?q=1', body: 'hi' });
    const v6 = await httpRequest(`http://[::1]:${port}/six`, { timeoutMs: 5000 }).catch(
      (err: NodeJS.ErrnoException) => err,
    );
    if (v6 instanceof Error) {
      // A host without IPv6 on loopback: the address was still tried as ::1, not as "[::1]".
      expect(['EADDRNOTAVAIL', 'ENETUNREACH', 'EAFNOSUPPORT', 'ECONNREFUSED']).toContain(v6.code);
    } else {
      expect(v6.status).toBe(201);
      expect(received.url).toBe('/six');
    }
  });

  test('a refused connection rejects with its code', async () => {
    const base = await rawServer(() => undefined);
    const port = new URL(base).port;
    await new Promise((resolve) => servers.pop()!.close(resolve));
    await expect(plainHttpRequest(new URL(`http://127.0.0.1:${port}/`), { timeoutMs: 5000 })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });

  test('no answer in time: a TimeoutError, and the socket is closed', async () => {
    let closed: Promise<void> = Promise.resolve();
    const base = await rawServer((socket) => {
      closed = new Promise((resolve) => socket.on('close', () => resolve()));
    });
    await expect(plainHttpRequest(new URL(base), { timeoutMs: 150 })).rejects.toMatchObject({
      name: 'TimeoutError',
      message: 'no answer in 150 ms',
    });
    await closed;
  });

  test('a server that closes without answering: a malformed answer, not a success', async () => {
    const base = await rawServer((socket) => socket.end());
    await expect(plainHttpRequest(new URL(base), { timeoutMs: 5000 })).rejects.toThrow(MalformedResponseError);
  });

  test('a header holding a line break is refused before anything is sent', async () => {
    let connections = 0;
    const base = await rawServer(() => undefined);
    servers[0].on('connection', () => connections++);
    await expect(
      plainHttpRequest(new URL(base), { headers: { 'x-meta': 'a\r\nx-forged: 1' }, timeoutMs: 5000 }),
    ).rejects.toThrow('header "x-meta" holds a line break');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(connections).toBe(0);
  });

  test('httpRequest refuses a URL that is neither http nor https', async () => {
    await expect(httpRequest('ftp://127.0.0.1/', { timeoutMs: 1000 })).rejects.toThrow(
      'not an http or https URL: ftp://127.0.0.1/',
    );
  });
});
