/**
 * A minimal platform over real HTTP that answers every call Gameday makes at once, the way the platform's services
 * answer a good day (PLATFORM.md shapes), and records when each request arrived and when its answer was sent.
 * Phase-3 runs (the remedy) and grading triggers publish their completions to the bridge as Pub/Sub pushes, stamped
 * in the date's day time (`dayNow`). Faults, when given, are decided per request by the caller.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GamedayConfig } from '../../config/schema';
import { completion, pushEnvelope } from '../../test/helpers/messages';
import { now } from './time';

export interface Arrival {
  path: string;
  gameDate?: string;
  /** Class name of a phase-3/phase-4 run. */
  processor?: string;
  arrivedAt: number;
  answeredAt?: number;
}

/** What a request answers instead of success: an HTTP status, a processor result, or a run that publishes nothing. */
export type Fault = { status: number } | { resultStatus: string } | { silent: true } | undefined;

export interface InstantPlatformOptions {
  config: GamedayConfig;
  games: number;
  /** The bridge's push URL, for phase-3 and grading completions. */
  pushUrl?: string;
  /** The date's day time now (message timestamps). */
  dayNow: (gameDate: string) => number;
  /** A fault for this request, if any (chaos). */
  fault?: (arrival: Arrival) => Fault;
}

export interface InstantPlatform {
  url: string;
  arrivals: Arrival[];
  /** Where completions are pushed (the bridge, known once it started). */
  setPushUrl(url: string): void;
  /** Resolves with the first arrival (from index `from`) that matches. */
  waitFor(match: (a: Arrival) => boolean, timeoutMs: number, from?: number): Promise<Arrival>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {});
      } catch {
        resolve({});
      }
    });
  });
}

function decodePush(body: Record<string, unknown>): Record<string, unknown> {
  const data = (body.message as { data?: string } | undefined)?.data;
  return data ? (JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as Record<string, unknown>) : {};
}

export async function startInstantPlatform(options: InstantPlatformOptions): Promise<InstantPlatform> {
  const { config } = options;
  const arrivals: Arrival[] = [];
  const waiters = new Set<() => void>();
  let published = 0;
  let pushUrl = options.pushUrl;

  const publish = async (topic: string, message: object) => {
    if (!pushUrl) return;
    published += 1;
    await fetch(pushUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        pushEnvelope(message, {
          messageId: `instant-${published}`,
          subscription: `projects/nba-props-platform/subscriptions/${topic}-gameday`,
        }),
      ),
    }).catch(() => undefined);
  };

  const games = (gameDate: string) =>
    Array.from({ length: options.games }, (_, i) => ({
      game_id: `00225${gameDate.replaceAll('-', '').slice(2)}${i}`,
      home_team_tricode: 'HOM',
      away_team_tricode: 'AWY',
      game_status: 3,
      game_status_text: 'Final',
    }));

  const handle = async (req: IncomingMessage, res: ServerResponse, arrival: Arrival): Promise<[number, object?]> => {
    const url = new URL(req.url ?? '/', 'http://x');
    const body = req.method === 'POST' ? await readBody(req) : {};
    arrival.gameDate =
      url.searchParams.get('game_date') ??
      ((body.analysis_date ?? body.game_date ?? body.start_date) as string | undefined);
    const processors = (body.processors as string[] | undefined) ?? [];
    arrival.processor = processors[0];
    if (url.pathname.endsWith('/push')) arrival.gameDate = decodePush(body).target_date as string | undefined;
    const fault = options.fault?.(arrival);
    if (fault && 'status' in fault) return [fault.status, { status: 'error', error: 'injected' }];
    const date = arrival.gameDate ?? '';
    switch (url.pathname) {
      case '/schedule':
        return [200, { game_date: date, games: games(date) }];
      case '/phase3/process-date-range':
        if (!(fault && 'silent' in fault)) {
          const at = options.dayNow(date);
          for (const className of processors) {
            const spec = config.processors[3].find((p) => p.className === className);
            if (spec) void publish(config.topics[3], completion(config, 3, spec.name, date, at));
          }
        }
        return [200, { status: 'started', dates: [date], processors, correlation_id: body.correlation_id }];
      case '/phase4/process-date': {
        const status = fault && 'resultStatus' in fault ? fault.resultStatus : 'success';
        const results = processors.map((processor) => ({ processor, status, stats: { record_count: 100 } }));
        return [200, { status: 'completed', results }];
      }
      case '/coordinator/start':
        return [202, { status: 'started', batch_id: `batch-${date}-${arrivals.length}`, total_requests: 100 }];
      case '/coordinator/status':
        return [
          200,
          {
            status: 'complete',
            batch_id: url.searchParams.get('batch_id'),
            expected_players: 100,
            completed_players: 100,
            completion_pct: 100,
          },
        ];
      case '/grading/push':
        if (!(fault && 'silent' in fault)) {
          const trigger = decodePush(body);
          void publish(config.topics.gradingComplete, {
            processor_name: 'Phase5BGrading',
            phase: 'phase_5b_grading',
            correlation_id: trigger.correlation_id,
            timestamp: new Date(options.dayNow(date) + 120_000).toISOString(),
            target_date: date,
            status: 'success',
            graded_count: 140,
          });
        }
        return [204];
      default:
        // Export pushes and the floor's plain call.
        return [req.method === 'POST' && url.pathname.endsWith('/push') ? 204 : 200, { ok: true }];
    }
  };

  const server = createServer((req, res) => {
    const arrival: Arrival = { path: new URL(req.url ?? '/', 'http://x').pathname, arrivedAt: now() };
    handle(req, res, arrival)
      .then(([status, answer]) => {
        res.writeHead(status, answer ? { 'content-type': 'application/json' } : {});
        res.end(answer ? JSON.stringify(answer) : undefined);
      })
      .catch((err: Error) => {
        res.writeHead(500);
        res.end(err.message);
      })
      .finally(() => {
        arrival.answeredAt = now();
        arrivals.push(arrival);
        for (const wake of waiters) wake();
      });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const waitFor = (match: (a: Arrival) => boolean, timeoutMs: number, from = 0) =>
    new Promise<Arrival>((resolve, reject) => {
      const check = () => {
        const found = arrivals.slice(from).find(match);
        if (!found) return false;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no matching platform request within ${timeoutMs} ms`));
      }, timeoutMs);
      if (!check()) waiters.add(check);
    });

  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    setPushUrl: (url) => {
      pushUrl = url;
    },
    waitFor,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
