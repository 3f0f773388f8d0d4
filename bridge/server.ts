import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { GamedayConfig } from '../config/schema';
import { MESSAGE_PHASES } from '../domain/phases';
import { normalizeProcessorName } from '../domain/processors';
import { deliverCompletion } from '../clients/pipeline-client';
import { decodePushEnvelope } from './push-envelope';

export interface BridgeServer {
  url: string;
  pushUrl: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1_000_000;

/**
 * The completion bridge: accepts the platform's Pub/Sub push envelopes and delivers each completion to
 * its date's workflow with signal-with-start. 2xx only once Temporal accepted the signal; a malformed or
 * irrelevant message gets a 4xx with the reason (a 5xx would make Pub/Sub retry it for ever); 503 only
 * when Temporal itself is unreachable, so the message is redelivered rather than lost.
 */
export async function startBridge(options: {
  client: Client;
  config: GamedayConfig;
  host?: string;
  port?: number;
  log?: (line: string) => void;
}): Promise<BridgeServer> {
  const { client, config } = options;
  const log = options.log ?? (() => undefined);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'GET' && req.url === '/healthz') return reply(res, 200, { ok: true });
    if (req.url !== '/pubsub/push') return reply(res, 404, { error: `no route ${req.method} ${req.url}` });
    if (req.method !== 'POST') return reply(res, 405, { error: 'use POST' });
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch (err) {
      return reply(res, 400, { error: `body is not JSON: ${(err as Error).message}` });
    }
    const decoded = decodePushEnvelope(body);
    if (!decoded.ok) {
      log(`rejected push: ${decoded.error}`);
      return reply(res, 400, { error: decoded.error });
    }
    const { completion, messageId } = decoded.value;
    const phase = MESSAGE_PHASES[completion.phase];
    const known = config.processors[String(phase) as '1'];
    if (!normalizeProcessorName(completion.processor_name, completion.output_table, known)) {
      const error = `unknown processor ${completion.processor_name} for ${completion.phase}`;
      log(`rejected push ${messageId ?? ''}: ${error}`);
      return reply(res, 422, { error });
    }
    let result;
    try {
      result = await deliverCompletion(client, config, completion);
    } catch (err) {
      log(`Temporal did not accept ${messageId ?? ''}: ${(err as Error).message}`);
      return reply(res, 503, { error: `Temporal did not accept the signal: ${(err as Error).message}` });
    }
    if (!result.delivered) {
      const reason =
        result.reason === 'closed'
          ? `the pipeline for ${completion.game_date} already closed`
          : `no pipeline is running for ${completion.game_date}, which is outside the start window of ${config.bridge.startWindowDays} days around today`;
      log(`ignored ${completion.processor_name} for ${completion.game_date}: ${reason}`);
      return reply(res, 200, { delivered: false, reason, workflowId: result.workflowId });
    }
    log(
      `delivered ${completion.processor_name} ${completion.status} for ${completion.game_date} -> ${result.workflowId}`,
    );
    return reply(res, 200, { delivered: true, workflowId: result.workflowId, runId: result.runId });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => reply(res, 500, { error: (err as Error).message }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? config.bridge.port, options.host ?? config.bridge.host, resolve);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.address}:${address.port}`;
  return {
    url,
    pushUrl: `${url}/pubsub/push`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
