/**
 * The completion bridge: the platform's Pub/Sub push subscriptions post here, and each usable message becomes a
 * signal to its date's workflow. Pub/Sub treats any non-2xx answer as "redeliver" (for days, halving push
 * concurrency at each failure), so every permanent problem is acknowledged with 200 and counted (GET /stats);
 * only a transient one answers 503 (Temporal unreachable) or 429 (Temporal throttling).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { signalDate } from '../clients/pipeline-client';
import type { GamedayConfig } from '../config/schema';
import { clockFrom, virtualNow } from '../domain/clock';
import { dateInZone } from '../domain/dates';
import { interpretMessage, shown, type MessageCatalog } from '../domain/messages';
import type { Firestore } from '@google-cloud/firestore';
import { createPushAuthenticator, type PushAuthDeps } from './auth';
import { gracefulCloser } from './graceful-close';
import { legacyMirror } from './legacy-mirror';
import { checkMessageBounds } from './message-bounds';
import { decodePushEnvelope } from './push-envelope';
import { RecentIds } from './recent-ids';
import { routeMessage } from './route';
import { BridgeStats, type BridgeOutcome } from './stats';
import { temporalErrorKind, temporalErrorText } from './temporal-errors';
import { bridgeReadiness } from './readiness';

/** What the bridge answers Pub/Sub: 2xx acknowledges; 429/503 (transient) asks for a redelivery. */
export interface BridgeAnswer {
  status: number;
  body: unknown;
  retryAfterSeconds?: number;
}

export interface BridgeServer {
  url: string;
  pushUrl: string;
  stats: BridgeStats;
  /** The push path without HTTP: a Pub/Sub envelope (pull mode builds one per pulled message). */
  deliver(envelope: unknown): Promise<BridgeAnswer>;
  close(): Promise<void>;
}

export interface BridgeOptions {
  client: Client;
  config: GamedayConfig;
  host?: string;
  port?: number;
  log?: (line: string) => void;
  /** The OIDC signing certificates and the environment of the push authentication (tests). */
  auth?: PushAuthDeps;
  /** The legacy documents' Firestore (primary mode mirrors completions into them; default: from config.legacy). */
  firestore?: Firestore;
}

export function messageCatalog(config: GamedayConfig): MessageCatalog {
  return { processors: config.processors, topics: config.topics };
}

export async function startBridge(options: BridgeOptions): Promise<BridgeServer> {
  const { client, config } = options;
  const log = options.log ?? (() => undefined);
  const host = options.host ?? config.bridge.host;
  const authenticator = createPushAuthenticator(config, host, options.auth);
  const mirror = legacyMirror(config, options.firestore, log);
  const stats = new BridgeStats();
  const recent = new RecentIds(config.bridge.recentMessageIds);
  const catalog = messageCatalog(config);
  const clock = clockFrom({ scale: config.timeScale, ...config.clock }, Date.now());
  const today = () => dateInZone(virtualNow(clock, Date.now()), config.timeZone);
  const timeoutMs = config.bridge.temporalTimeoutSeconds * 1000;

  const acknowledge = (
    outcome: BridgeOutcome,
    code: string,
    reason: string,
    extra: { messageId?: string; gameDate?: string; workflowId?: string } = {},
  ) => {
    stats.record(outcome, code, { reason, messageId: extra.messageId, gameDate: extra.gameDate });
    if (outcome !== 'delivered' && outcome !== 'duplicate')
      log(`acknowledged ${extra.messageId ?? ''} (${outcome}): ${reason}`);
    return { status: 200, body: { acknowledged: true, outcome, reason, ...extra } };
  };

  async function push(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, config.bridge.maxBodyBytes);
    if (body === 'too-large') {
      stats.record('unusable', 'body_too_large');
      return reply(res, 413, { error: `body over ${config.bridge.maxBodyBytes} bytes: larger than any Pub/Sub push` });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return send(res, acknowledge('unusable', 'not_json', 'the body is not JSON'));
    }
    return send(res, await deliverEnvelope(parsed));
  }

  /** One Pub/Sub envelope (pushed, or pulled in pull mode) to a signal: the answer Pub/Sub gets. */
  async function deliverEnvelope(parsed: unknown): Promise<BridgeAnswer> {
    const decoded = decodePushEnvelope(parsed);
    const messageId = decoded.delivery?.messageId;
    if (!decoded.ok) return acknowledge('unusable', 'bad_envelope', decoded.error, { messageId });
    const bounds = checkMessageBounds(decoded.message, config.bridge.maxMessageBytes);
    if (!bounds.ok) {
      if (messageId) recent.add(messageId);
      return acknowledge('unusable', bounds.code, bounds.reason, { messageId });
    }
    if (messageId && recent.has(messageId)) {
      return acknowledge('duplicate', 'redelivery', `message ${messageId} was already handled`, { messageId });
    }
    const interpretation = interpretMessage(decoded.message, decoded.delivery, catalog);
    const route = routeMessage(interpretation, today(), config.bridge.startWindowDays);
    if (route.action === 'acknowledge') {
      if (messageId) recent.add(messageId);
      return acknowledge(route.outcome, route.code, route.reason, {
        messageId,
        gameDate: 'gameDate' in interpretation ? interpretation.gameDate : undefined,
      });
    }
    let result;
    try {
      result = await client.withDeadline(Date.now() + timeoutMs, () =>
        signalDate(client, config, route.gameDate, decoded.message, decoded.delivery, {
          start: route.action === 'start-or-signal',
        }),
      );
    } catch (err) {
      const kind = temporalErrorKind(err);
      const why = temporalErrorText(err);
      if (kind === 'permanent') {
        if (messageId) recent.add(messageId);
        return acknowledge('unusable', 'temporal_rejected', `Temporal refused the signal: ${why.slice(0, 200)}`, {
          messageId,
          gameDate: route.gameDate,
        });
      }
      stats.record('unavailable', kind);
      log(`Temporal did not take ${messageId ?? ''} (${kind}): ${why}`);
      return {
        status: kind === 'throttled' ? 429 : 503,
        body: { error: `Temporal is ${kind === 'throttled' ? 'throttling' : 'unavailable'}: ${why.slice(0, 300)}` },
        retryAfterSeconds: 10,
      };
    }
    if (messageId) recent.add(messageId);
    if (!result.delivered) {
      const reason =
        result.reason === 'closed'
          ? `the day of ${route.gameDate} is over (workflow ${result.workflowId} closed); the message changes nothing`
          : `no workflow runs for ${route.gameDate} and this message does not start one`;
      return acknowledge(result.reason, result.reason, reason, {
        messageId,
        gameDate: route.gameDate,
        workflowId: result.workflowId,
      });
    }
    const what =
      interpretation.kind === 'completion'
        ? `${interpretation.processor} ${interpretation.status}`
        : interpretation.kind === 'unusable'
          ? `unusable (${interpretation.reason})`
          : interpretation.kind;
    stats.record('delivered', interpretation.kind === 'unusable' ? `delivered_${interpretation.code}` : 'delivered');
    if (mirror) await mirror(interpretation, decoded.message);
    log(`delivered ${what} for ${route.gameDate} -> ${result.workflowId}`);
    return {
      status: 200,
      body: { acknowledged: true, outcome: 'delivered', workflowId: result.workflowId, messageId },
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return reply(res, 200, { ok: true });
    if (req.method === 'GET' && path === '/readyz') {
      const ready = await bridgeReadiness(client, timeoutMs);
      return reply(res, ready.status, ready.body);
    }
    if (req.method === 'GET' && path === '/stats')
      return reply(res, 200, { ...stats.view(), recentMessageIds: recent.size });
    if (path !== '/pubsub/push') return reply(res, 404, { error: `no route ${req.method} ${shown(path, 80)}` });
    if (req.method !== 'POST') return reply(res, 405, { error: 'use POST' });
    const verdict = await authenticator.check(req.headers.authorization);
    if (!verdict.ok) {
      stats.record('rejected', `auth_${verdict.status}`, { reason: verdict.reason });
      log(`rejected a push (${verdict.status}): ${verdict.reason}`);
      return reply(res, verdict.status, { error: verdict.reason });
    }
    return push(req, res);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log(`bridge error: ${(err as Error).message}`);
      reply(res, 503, { error: (err as Error).message });
    });
  });
  const closeGracefully = gracefulCloser(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? config.bridge.port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  return {
    url,
    pushUrl: `${url}/pubsub/push`,
    stats,
    deliver: deliverEnvelope,
    // A push waits for Temporal at most temporalTimeoutSeconds: that long (and a second) lets it answer.
    close: () => closeGracefully((config.bridge.temporalTimeoutSeconds + 1) * 1000),
  };
}

/** The body as text, or `too-large` once it passes the limit (the rest is read and dropped, so the client gets the 413). */
function readBody(req: IncomingMessage, limit: number): Promise<string | 'too-large'> {
  return new Promise((resolve, reject) => {
    let size = 0;
    let tooLarge = false;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        if (size > limit * 4) req.destroy();
      } else if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks).toString('utf8')));
    req.on('close', () => {
      if (tooLarge) resolve('too-large');
    });
    req.on('error', reject);
  });
}

function send(res: ServerResponse, answer: BridgeAnswer): void {
  if (answer.retryAfterSeconds && !res.headersSent) res.setHeader('retry-after', String(answer.retryAfterSeconds));
  reply(res, answer.status, answer.body);
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
