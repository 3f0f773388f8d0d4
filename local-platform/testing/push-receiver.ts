import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
type CompletionMessage = Record<string, unknown>;
import type { PushEnvelope } from '../publisher';

export interface ReceivedPush {
  /** 1-based arrival number. */
  n: number;
  path: string;
  headers: IncomingMessage['headers'];
  envelope: PushEnvelope;
  /** The envelope's data, base64-decoded and parsed. */
  message: CompletionMessage;
  /** What the receiver answered. */
  status: number;
}

export interface PushReceiver {
  url: string;
  received: ReceivedPush[];
  /** Decoded messages that were acknowledged (2xx). */
  acked(): CompletionMessage[];
  /** Resolves once `predicate` holds for the acknowledged messages; rejects after timeoutMs. */
  waitFor(predicate: (acked: CompletionMessage[]) => boolean, timeoutMs?: number): Promise<CompletionMessage[]>;
  close(): Promise<void>;
}

/**
 * A tiny Pub/Sub push endpoint for tests and the demo: records every envelope it gets. `answer` picks
 * the status per delivery (default 204), to exercise the platform's retry and drop behaviour.
 */
export async function startPushReceiver(
  answer: (push: Omit<ReceivedPush, 'status'>) => number = () => 204,
): Promise<PushReceiver> {
  const received: ReceivedPush[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let envelope: PushEnvelope;
      let message: CompletionMessage;
      try {
        envelope = JSON.parse(Buffer.concat(chunks).toString('utf8')) as PushEnvelope;
        message = JSON.parse(Buffer.from(envelope.message.data, 'base64').toString('utf8')) as CompletionMessage;
      } catch {
        res.writeHead(400).end('not a push envelope');
        return;
      }
      const push = { n: received.length + 1, path: req.url ?? '/', headers: req.headers, envelope, message };
      const status = answer(push);
      received.push({ ...push, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const acked = (): CompletionMessage[] =>
    received.filter((r) => r.status >= 200 && r.status < 300).map((r) => r.message);
  return {
    url: `http://127.0.0.1:${port}/pubsub/push`,
    received,
    acked,
    waitFor: async (predicate, timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(acked())) {
        if (Date.now() > deadline)
          throw new Error(
            `push receiver: condition not met within ${timeoutMs} ms (${received.length} pushes received)`,
          );
        await new Promise((r) => setTimeout(r, 10));
      }
      return acked();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
