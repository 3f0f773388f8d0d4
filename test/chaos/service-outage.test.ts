/**
 * Chaos: the precompute service answers 500 for ten minutes of three dates' phase 4 (time-skipping server, real
 * HTTP to a service in this test, the real activities and their circuit breaker). The breaker opens after three
 * failures and the calls that reach the service stay few; one CIRCUIT_OPEN alert goes out per minute of opening;
 * when the service is back every processor of every date runs exactly once more, successfully, and phase 4 completes.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities, type Notification } from '../../activities';
import { loadConfig } from '../../config/load';
import { dayTimeInstant } from '../../domain/day-times';
import { createTimeSkippingEnv } from '../helpers/tools';
import { dayConfig, dayState, dayWorker, deliver, endDays, settle, skipTo, startDay } from '../helpers/day-harness';
import { fakePlatform, type FakePlatform } from '../helpers/fake-platform';
import type { GamedayConfig } from '../../config/schema';
import type { Worker } from '@temporalio/worker';
import { completion } from '../helpers/messages';

const DATES = ['2026-02-10', '2026-02-11', '2026-02-12'];
const THRESHOLD = 3;

let env: TestWorkflowEnvironment;
let service: Server;
let serviceUrl: string;
const received: { body: { analysis_date: string; processors: string[] }; answered: number; key: string }[] = [];
const outage = { on: true };

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => resolve(JSON.parse(text || '{}')));
  });
}

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  service = createServer((req, res) => {
    void readJson(req).then((body) => {
      const request = body as { analysis_date: string; processors: string[] };
      const answered = outage.on ? 500 : 200;
      received.push({ body: request, answered, key: String(req.headers['idempotency-key'] ?? '') });
      res.writeHead(answered, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          outage.on
            ? { error: 'upstream unavailable' }
            : {
                status: 'success',
                results: request.processors.map((p) => ({
                  processor: p,
                  status: 'success',
                  stats: { record_count: 300 },
                })),
              },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  serviceUrl = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await endDays();
  await env?.teardown();
  await new Promise((resolve) => service?.close(resolve));
});

test('ten minutes of 500s: the breaker bounds the calls, alerts, and phase 4 of every date completes after', async () => {
  const alerts: Notification[] = [];
  // One worker process: one breaker per service shared by every date's activities.
  const shared = createActivities(
    loadConfig(
      {},
      {
        platform: {
          precomputeUrl: serviceUrl,
          breaker: { failureThreshold: THRESHOLD, halfOpenAfterSeconds: 0.2, minRetrySeconds: 60 },
        },
        alerts: { ledgerPath: join(mkdtempSync(join(tmpdir(), 'gameday-outage-')), 'ledger.jsonl') },
      },
    ),
    { alertChannels: [{ name: 'test', send: async (n) => void alerts.push(n) }] },
  );
  const days: { gameDate: string; config: GamedayConfig; platform: FakePlatform; worker: Worker; taskQueue: string }[] =
    [];
  for (const gameDate of DATES) {
    const config = await dayConfig(env, gameDate, 'D 05:50');
    const platform = fakePlatform({
      config,
      client: env.client,
      overrides: { runPrecomputeProcessor: shared.runPrecomputeProcessor },
    });
    days.push({ gameDate, config, platform, ...(await dayWorker(env, platform.activities)) });
  }
  const [first] = days;
  const run = (i: number): Promise<void> => (i === days.length ? body() : days[i].worker.runUntil(() => run(i + 1)));

  const handles: Awaited<ReturnType<typeof startDay>>[] = [];
  async function body(): Promise<void> {
    for (const day of days) {
      const handle = await startDay(env, day.taskQueue, { gameDate: day.gameDate, cycle: 'same_day' });
      handles.push(handle);
      const at = dayTimeInstant(day.gameDate, 'D 05:50', day.config.timeZone);
      await deliver(
        env,
        handle,
        day.config.lifecycle.same_day.phase3.expected.map((name) => completion(day.config, 3, name, day.gameDate, at)),
      );
    }
    // Phase 4 starts at 06:00 for every date; the service is down until 06:10.
    await skipTo(env, handles[0], first.config, first.gameDate, 'D 06:10');
    const duringOutage = received.length;
    const attempts = days.reduce((n, d) => n + d.platform.of('runPrecomputeProcessor').length, 0);
    outage.on = false;
    await skipTo(env, handles[0], first.config, first.gameDate, 'D 06:40');
    for (const handle of handles) await settle(env, handle);

    // Without a breaker, three dates retrying every 5 s doubling to 5 min make 21 calls in ten minutes; with it the
    // three that opened it, then at most one test call per minute.
    expect(received.filter((r) => r.answered === 500)).toHaveLength(duringOutage);
    expect(duringOutage).toBeGreaterThanOrEqual(THRESHOLD);
    expect(duringOutage).toBeLessThanOrEqual(THRESHOLD + 10);
    // The other attempts failed fast in the worker, never reaching the service.
    expect(attempts).toBeGreaterThan(duringOutage);

    const opened = alerts.filter((a) => a.subject.includes('CIRCUIT_OPEN precompute'));
    expect(opened.length).toBeGreaterThanOrEqual(1);
    expect(opened.length).toBeLessThanOrEqual(duringOutage - THRESHOLD + 1);
    expect(opened[0].text).toContain(`${THRESHOLD} failures in a row`);

    for (const [i, day] of days.entries()) {
      const ok = received.filter((r) => r.answered === 200 && r.body.analysis_date === day.gameDate);
      // Every processor once, successfully; each with its own idempotency key.
      expect(ok.map((r) => r.body.processors[0]).sort()).toEqual(
        day.config.processors[4].map((p) => p.className).sort(),
      );
      expect(new Set(ok.map((r) => r.key)).size).toBe(ok.length);
      const state = await dayState(env, handles[i]);
      expect(state.cycles.same_day.steps.find((s) => s.kind === 'phase4')).toMatchObject({ status: 'DONE' });
    }
  }
  await run(0);
}, 180_000);
