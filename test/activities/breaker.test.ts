/**
 * The circuit breaker per platform service, over real HTTP: consecutive retryable failures open it, an open circuit
 * fails fast (no request) with a retryable failure that asks to be retried at the half-open time, one test call
 * then decides; rejections and cancellations do not count; each service has its own breaker.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { loadConfig } from '../../config/load';
import { createServiceBreakers, type BreakerEvent } from '../../activities/platform/breaker';
import { createPlatformClient, serviceOf } from '../../activities/platform/http';

let server: Server;
let base = '';
let status = 500;
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url?.startsWith('/slow')) return void setTimeout(() => res.end('{}'), 1_000).unref();
    const code = req.url?.startsWith('/phase3') ? 200 : status;
    res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify({ code }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  hits.length = 0;
  status = 500;
});

function setup(halfOpenAfterMs = 300) {
  const config = loadConfig(
    {},
    {
      platform: {
        scheduleUrl: base,
        analyticsUrl: `${base}/phase3`,
        precomputeUrl: `${base}/phase4`,
        coordinatorUrl: `${base}/coordinator`,
        exportPushUrl: `${base}/export/push`,
        gradingPushUrl: `${base}/grading/push`,
      },
    },
  );
  const events: BreakerEvent[] = [];
  const breakers = createServiceBreakers({
    failureThreshold: 3,
    halfOpenAfterMs,
    minRetryMs: 50,
    onStateChange: (e) => events.push(e),
  });
  const client = createPlatformClient(config, {}, breakers);
  const call = (path = '/phase4/process-date') =>
    client({ method: 'POST', url: `${base}${path}`, body: {} }).then(
      (r) => r,
      (err: unknown) => err as ApplicationFailure,
    );
  return { config, breakers, events, call };
}

test('3 failures in a row open the circuit: 10 calls reach the service 3 times; the rest fail fast, retryable, with a next-retry delay', async () => {
  const { call, events, breakers } = setup(60_000);
  const results = [];
  for (let i = 0; i < 10; i++) results.push(await call());
  expect(hits).toHaveLength(3);
  const fast = results.slice(3) as ApplicationFailure[];
  for (const failure of fast) {
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.type).toBe('PlatformCircuitOpen');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBeGreaterThan(50_000);
  }
  expect(breakers.state('precompute')).toBe('open');
  expect(events).toEqual([
    expect.objectContaining({ service: 'precompute', state: 'open', reason: expect.stringContaining('answered 500') }),
  ]);
});

test('after the half-open time one test call goes through: a success closes the circuit, a failure opens it again', async () => {
  const { call, events, breakers } = setup(200);
  for (let i = 0; i < 3; i++) await call();
  await new Promise((resolve) => setTimeout(resolve, 250));
  await call(); // the test call fails: open again
  expect(hits).toHaveLength(4);
  expect((await call()).constructor).toBe(ApplicationFailure);
  expect(hits).toHaveLength(4);
  status = 200;
  await new Promise((resolve) => setTimeout(resolve, 250));
  expect(await call()).toMatchObject({ status: 200 });
  expect(await call()).toMatchObject({ status: 200 });
  expect(hits).toHaveLength(6);
  expect(breakers.state('precompute')).toBe('closed');
  expect(events.map((e) => e.state)).toEqual(['open', 'half_open', 'open', 'half_open', 'closed']);
});

test('rejections (4xx) never open it; each service has its own breaker', async () => {
  const { call, breakers } = setup();
  status = 403;
  for (let i = 0; i < 6; i++) expect(await call()).toMatchObject({ type: 'PlatformRejected', nonRetryable: true });
  expect(hits).toHaveLength(6);
  expect(breakers.state('precompute')).toBe('closed');
  status = 500;
  for (let i = 0; i < 3; i++) await call('/coordinator/start');
  expect(breakers.state('coordinator')).toBe('open');
  expect(await call('/phase3/process')).toMatchObject({ status: 200 });
  expect(breakers.state('precompute')).toBe('closed');
});

test('a cancelled call does not count as a failure of the service', async () => {
  const { config, breakers } = setup();
  const client = createPlatformClient(config, {}, breakers);
  for (let i = 0; i < 4; i++) {
    const controller = new AbortController();
    const pending = client({ method: 'GET', url: `${base}/slow`, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toThrow();
  }
  expect(breakers.state('schedule')).toBe('closed');
});

test('a call belongs to the service whose configured URL it starts with (the longest)', () => {
  const { config } = setup();
  expect(serviceOf(config, `${base}/phase4/process-date`)).toBe('precompute');
  expect(serviceOf(config, `${base}/export/push`)).toBe('export');
  expect(serviceOf(config, `${base}/schedule?date=2026-01-01`)).toBe('schedule');
  expect(serviceOf(config, `${base}/phase40`)).toBe('schedule');
});
