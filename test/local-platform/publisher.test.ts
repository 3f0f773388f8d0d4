import { loadConfig } from '../../config/load';
import { startLocalPlatform, type LocalPlatform, type PublishEvent } from '../../local-platform';
import { startPushReceiver, type PushReceiver } from '../../local-platform/testing/push-receiver';

const config = loadConfig({});
const retry = { initialMs: 5, maxMs: 20, maxAttempts: 4 };
const open: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  for (const item of open.reverse()) await item.close();
});

async function setup(
  answer: (n: number) => number,
  scenarioExtra: object = {},
): Promise<{ platform: LocalPlatform; receiver: PushReceiver }> {
  const receiver = await startPushReceiver((push) => answer(push.n));
  const platform = await startLocalPlatform({
    config,
    scenario: { name: 'pub', defaultDelayMs: 1, ...scenarioExtra },
    publishUrl: receiver.url,
    port: 0,
    publishRetry: retry,
  });
  open.push(receiver, platform);
  return { platform, receiver };
}
async function runOne(platform: LocalPlatform, date: string): Promise<PublishEvent[]> {
  const res = await fetch(`${platform.url}/phase3/process-date-range`, {
    method: 'POST',
    body: JSON.stringify({ start_date: date, end_date: date, processors: ['PlayerGameSummaryProcessor'] }),
  });
  expect(res.status).toBe(200);
  const deadline = Date.now() + 3000;
  while (!platform.events().some((e) => e.type === 'publish')) {
    if (Date.now() > deadline) throw new Error('nothing published');
    await new Promise((r) => setTimeout(r, 5));
  }
  await platform.deliveriesSettled();
  return platform.events().filter((e): e is PublishEvent => e.type === 'publish');
}

describe('Pub/Sub push delivery', () => {
  it('retries 5xx answers with backoff until acknowledged', async () => {
    const { platform, receiver } = await setup((n) => (n <= 2 ? 503 : 204));
    const [event] = await runOne(platform, '2025-12-01');
    expect(event).toMatchObject({ delivery: 'delivered', attempts: 3, lastStatus: 204 });
    expect(receiver.received.map((r) => r.status)).toEqual([503, 503, 204]);
    // every attempt carries the same message
    expect(new Set(receiver.received.map((r) => r.envelope.message.messageId)).size).toBe(1);
    expect(receiver.received[0].path).toBe('/pubsub/push');
  });

  it('does not retry 4xx: the message is logged and dropped', async () => {
    const { platform, receiver } = await setup(() => 400);
    const [event] = await runOne(platform, '2025-12-02');
    expect(event).toMatchObject({ delivery: 'dropped', attempts: 1, lastStatus: 400 });
    expect(receiver.received).toHaveLength(1);
  });

  it('retries connection errors and gives up after maxAttempts', async () => {
    const lines: string[] = [];
    const platform = await startLocalPlatform({
      config,
      scenario: { name: 'pub', defaultDelayMs: 1 },
      publishUrl: 'http://127.0.0.1:9/pubsub/push',
      port: 0,
      publishRetry: retry,
      log: (line) => lines.push(line),
    });
    open.push(platform);
    const [event] = await runOne(platform, '2025-12-03');
    expect(event).toMatchObject({ delivery: 'abandoned', attempts: 4 });
    expect(event.lastError).toMatch(/ECONNREFUSED|connect/);
    expect(lines.some((l) => l.startsWith('ABANDONED'))).toBe(true);
  });

  it('duplicateDelivery pushes every message twice with the same messageId', async () => {
    const { platform, receiver } = await setup(() => 204, { publish: { duplicateDelivery: true } });
    const events = await runOne(platform, '2025-12-04');
    expect(events.map((e) => e.copy)).toEqual([1, 2]);
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[0].envelope.message.messageId).toBe(receiver.received[1].envelope.message.messageId);
    expect(receiver.received[0].message.execution_id).toBe(receiver.received[1].message.execution_id);
  });

  it('close() abandons pending deliveries and leaves no timers behind', async () => {
    const { platform } = await setup(() => 503);
    await fetch(`${platform.url}/phase3/process-date-range`, {
      method: 'POST',
      body: JSON.stringify({ start_date: '2025-12-05', end_date: '2025-12-05' }),
    });
    await platform.close();
    await platform.deliveriesSettled();
    expect(platform.events().filter((e) => e.type === 'publish' && e.delivery === 'pending')).toHaveLength(0);
  });
});
