/**
 * Pub/Sub push delivery as the local platform simulates it: each message serialised once like Python's json.dumps,
 * POSTed as a push envelope, and redelivered with backoff for ANY answer but 102/200/201/202/204 (4xx included, as
 * a push subscription does) until the dead-letter limit.
 */
import { loadConfig } from '../../config/load';
import { startLocalPlatform, type PublishEvent } from '../../local-platform';
import { buildCompletionMessage } from '../../local-platform/completion';
import { EventLog } from '../../local-platform/events';
import { Publisher, subscriptionFor, type PublisherOptions } from '../../local-platform/publisher';
import { pythonJsonDumps } from '../../local-platform/python-json';
import { Timers } from '../../local-platform/timers';
import { startPushReceiver, type PushReceiver } from '../../local-platform/testing/push-receiver';

const config = loadConfig({});
const TOPIC = config.topics[3];
const RETRY = { initialMs: 5, maxMs: 20, maxAttempts: 4, attemptTimeoutMs: 2000 };

const open: Array<() => unknown> = [];
afterAll(async () => {
  for (const close of open.reverse()) await close();
});

interface Setup {
  publisher: Publisher;
  events: EventLog;
  timers: Timers;
  lines: string[];
}

function setup(url: string, delivery: ReturnType<PublisherOptions['delivery']> = {}): Setup {
  const events = new EventLog(() => new Date());
  const timers = new Timers();
  const lines: string[] = [];
  const publisher = new Publisher({
    url,
    projectId: config.platform.projectId,
    events,
    timers,
    now: () => new Date('2026-01-15T15:04:51.227Z'),
    log: (line) => lines.push(line),
    delivery: () => delivery,
    retry: RETRY,
  });
  open.push(() => {
    timers.close();
    publisher.close();
  });
  return { publisher, events, timers, lines };
}

async function receiver(answer: (n: number) => number): Promise<PushReceiver> {
  const r = await startPushReceiver((push) => answer(push.n));
  open.push(() => r.close());
  return r;
}

const message = () =>
  buildCompletionMessage({
    phase: 3,
    spec: config.processors[3][0],
    executionId: 'c4d1e9a7',
    gameDate: '2026-01-15',
    status: 'success',
    recordCount: 241,
    durationSeconds: 14,
    now: new Date('2026-01-16T09:14:27.640Z'),
  });

describe('Pub/Sub push delivery', () => {
  it('pushes the Python-serialised data in a push envelope to the bridge', async () => {
    const r = await receiver(() => 204);
    const { publisher } = setup(r.url);
    const msg = message();
    const [event] = publisher.publish(TOPIC, msg, { messageId: '17839920114523871' });
    await publisher.idle();

    expect(r.received).toHaveLength(1);
    const [push] = r.received;
    expect(push.path).toBe('/pubsub/push');
    expect(push.headers['content-type']).toBe('application/json');
    expect(push.headers['user-agent']).toMatch(/^APIs-Google/);
    expect(push.envelope).toEqual({
      message: {
        data: expect.any(String),
        messageId: '17839920114523871',
        message_id: '17839920114523871',
        publishTime: '2026-01-15T15:04:51.227Z',
        publish_time: '2026-01-15T15:04:51.227Z',
        attributes: {},
      },
      subscription: `projects/nba-props-platform/subscriptions/${TOPIC}-gameday`,
      deliveryAttempt: 1,
    });
    expect(subscriptionFor('p', 'nba-grading-complete')).toBe('projects/p/subscriptions/nba-grading-complete-gameday');
    // the bytes on the wire are json.dumps of the message, and are what the event records
    const data = Buffer.from(push.envelope.message.data, 'base64').toString('utf8');
    expect(data).toBe(pythonJsonDumps(msg));
    expect(data).toBe(event.data);
    expect(data).toContain(
      '"duration_seconds": 14.0, "trigger_source": "manual", "metadata": {"is_incremental": false',
    );
    expect(data).not.toMatch(/":"|","/);
    expect(event).toMatchObject({ delivery: 'delivered', attempts: 1, lastStatus: 204, topic: TOPIC, copy: 1 });
  });

  it('redelivers 5xx answers with backoff until acknowledged, every attempt the same message', async () => {
    const r = await receiver((n) => (n === 1 ? 503 : n === 2 ? 500 : 200));
    const { publisher } = setup(r.url);
    const [event] = publisher.publish(TOPIC, message());
    await publisher.idle();
    expect(event).toMatchObject({ delivery: 'delivered', attempts: 3, lastStatus: 200 });
    expect(event.lastError).toBeUndefined();
    expect(r.received.map((p) => p.status)).toEqual([503, 500, 200]);
    expect(r.received.map((p) => p.envelope.deliveryAttempt)).toEqual([1, 2, 3]);
    expect(new Set(r.received.map((p) => p.envelope.message.messageId)).size).toBe(1);
    expect(new Set(r.received.map((p) => p.envelope.message.data)).size).toBe(1);
  });

  it('redelivers 4xx answers too (a push subscription retries any non-2xx)', async () => {
    const r = await receiver((n) => [400, 404, 409][n - 1] ?? 202);
    const { publisher } = setup(r.url);
    const [event] = publisher.publish(TOPIC, message());
    await publisher.idle();
    expect(r.received.map((p) => p.status)).toEqual([400, 404, 409, 202]);
    expect(r.received.map((p) => p.envelope.deliveryAttempt)).toEqual([1, 2, 3, 4]);
    expect(event).toMatchObject({ delivery: 'delivered', attempts: 4, lastStatus: 202 });
  });

  it('dead-letters after maxAttempts, logging why', async () => {
    const r = await receiver(() => 400);
    const { publisher, lines } = setup(r.url);
    const [event] = publisher.publish(TOPIC, message());
    await publisher.idle();
    expect(event).toMatchObject({ delivery: 'dead-lettered', attempts: 4, lastStatus: 400 });
    expect(event.lastError).toMatch(/^HTTP 400/);
    expect(r.received).toHaveLength(4);
    expect(lines.filter((l) => l.startsWith('DEAD-LETTERED'))).toHaveLength(1);
    expect(lines.find((l) => l.startsWith('DEAD-LETTERED'))).toContain('PlayerGameSummaryProcessor success 2026-01-15');
  });

  it('redelivers connection errors and dead-letters them too', async () => {
    const { publisher } = setup('http://127.0.0.1:9/pubsub/push');
    const [event] = publisher.publish(TOPIC, message());
    await publisher.idle();
    expect(event).toMatchObject({ delivery: 'dead-lettered', attempts: 4 });
    expect(event.lastStatus).toBeUndefined();
    expect(event.lastError).toMatch(/ECONNREFUSED|connect/);
  });

  it('duplicateDelivery pushes each message N times with one messageId', async () => {
    const r = await receiver(() => 204);
    const { publisher } = setup(r.url, { duplicateDelivery: 3 });
    const events = publisher.publish(TOPIC, message());
    await publisher.idle();
    expect(events.map((e) => e.copy)).toEqual([1, 2, 3]);
    expect(r.received).toHaveLength(3);
    expect(new Set(r.received.map((p) => p.envelope.message.messageId)).size).toBe(1);
    expect(new Set(r.received.map((p) => p.message.execution_id))).toEqual(new Set(['c4d1e9a7']));

    const twice = setup(r.url, { duplicateDelivery: true });
    expect(twice.publisher.publish(TOPIC, message()).map((e) => e.copy)).toEqual([1, 2]);
    await twice.publisher.idle();
  });

  it('outOfOrder holds the first copy back, so the second copy arrives first', async () => {
    const r = await receiver(() => 204);
    const { publisher } = setup(r.url, { outOfOrder: true, duplicateDelivery: 2 });
    const [first, second] = publisher.publish(TOPIC, message());
    await publisher.idle();
    expect([first.delivery, second.delivery]).toEqual(['delivered', 'delivered']);
    expect(Date.parse(second.deliveredAt!)).toBeLessThan(Date.parse(first.deliveredAt!));
  });

  it('close() abandons pending deliveries and leaves nothing pending', async () => {
    const r = await receiver(() => 503);
    const events = new EventLog(() => new Date());
    const timers = new Timers();
    const slow = new Publisher({
      url: r.url,
      projectId: config.platform.projectId,
      events,
      timers,
      now: () => new Date(),
      log: () => {},
      delivery: () => ({}),
      retry: { ...RETRY, initialMs: 60_000, maxMs: 60_000 },
    });
    const [event] = slow.publish(TOPIC, message());
    // the first attempt is answered 503; the redelivery waits a minute
    for (let i = 0; i < 500 && r.received.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(r.received).toHaveLength(1);
    timers.close();
    slow.close();
    await slow.idle();
    expect(event.delivery).toBe('abandoned');
    expect(event.lastError).toBe('local platform closed before delivery');
    expect(events.list().filter((e) => e.type === 'publish' && e.delivery === 'pending')).toHaveLength(0);
  });
});

describe('the platform publishes through the same push subscription', () => {
  it("a processor's completion reaches the bridge URL under the topic's Gameday subscription", async () => {
    const r = await receiver((n) => (n === 1 ? 404 : 204));
    const platform = await startLocalPlatform({
      config,
      scenario: { name: 'pub', defaultDelayMs: 1 },
      publishUrl: r.url,
      port: 0,
      noDaySimulation: true,
      publishRetry: RETRY,
    });
    open.push(() => platform.close());
    const res = await fetch(`${platform.url}/phase3/process-date-range`, {
      method: 'POST',
      body: JSON.stringify({
        start_date: '2025-12-01',
        end_date: '2025-12-01',
        processors: ['PlayerGameSummaryProcessor'],
      }),
    });
    expect(res.status).toBe(200);
    await r.waitFor((acked) => acked.length === 1);
    await platform.deliveriesSettled();
    const [event] = platform.events().filter((e): e is PublishEvent => e.type === 'publish');
    expect(event).toMatchObject({
      topic: 'nba-phase3-analytics-complete',
      subscription: 'projects/nba-props-platform/subscriptions/nba-phase3-analytics-complete-gameday',
      delivery: 'delivered',
      attempts: 2,
    });
    expect(r.received.map((p) => p.status)).toEqual([404, 204]);
    expect(Buffer.from(r.received[1].envelope.message.data, 'base64').toString('utf8')).toBe(event.data);
  });
});
