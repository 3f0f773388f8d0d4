import { loadConfig } from '../../config/load';
import { startLocalPlatform, type ExportEvent, type LocalPlatform, type Scenario } from '../../local-platform';

const config = loadConfig({});
const SCENARIO: Scenario = { name: 'export', defaultDelayMs: 5 };
let platform: LocalPlatform;

beforeAll(async () => {
  platform = await startLocalPlatform({ config, scenario: SCENARIO, publishUrl: 'http://127.0.0.1:9/unused', port: 0 });
});
afterAll(() => platform.close());
beforeEach(() => platform.setScenario(SCENARIO));

const trigger = {
  export_types: ['tonight', 'predictions'],
  target_date: '2025-12-29',
  update_latest: true,
  correlation_id: 'c-6',
  trigger_source: 'gameday',
};
function envelope(data: unknown, messageId = String(Math.floor(Math.random() * 1e12))) {
  return {
    message: {
      data: Buffer.from(typeof data === 'string' ? data : JSON.stringify(data)).toString('base64'),
      messageId,
      publishTime: new Date().toISOString(),
      attributes: {},
    },
    subscription: 'projects/nba-props-platform/subscriptions/nba-phase6-export-trigger-export',
  };
}
async function push(body: unknown) {
  const res = await fetch(`${platform.url}/export/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
const exports = () => platform.events().filter((e): e is ExportEvent => e.type === 'export');

describe('POST /export/push', () => {
  it('accepts a valid export trigger envelope with 204 and records it', async () => {
    const res = await push(envelope(trigger, 'm-1'));
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    const recorded = exports().find((e) => e.messageId === 'm-1');
    expect(recorded).toMatchObject({ trigger, duplicate: false });
  });

  it('records a redelivered messageId as a duplicate, still 204', async () => {
    expect((await push(envelope(trigger, 'm-dup'))).status).toBe(204);
    expect((await push(envelope(trigger, 'm-dup'))).status).toBe(204);
    expect(
      exports()
        .filter((e) => e.messageId === 'm-dup')
        .map((e) => e.duplicate),
    ).toEqual([false, true]);
  });

  it.each([
    [{ message: {} }, 'message.data'],
    [{ trigger }, 'message'],
    [envelope('not json at all'), 'not base64-encoded JSON'],
    [envelope({ ...trigger, export_types: [] }), 'export_types'],
    [envelope({ ...trigger, target_date: '2025-02-30' }), 'target_date'],
    [envelope({ ...trigger, update_latest: 'true' }), 'update_latest'],
    [envelope({ ...trigger, correlation_id: undefined }), 'correlation_id'],
    [envelope({ ...trigger, trigger_source: '' }), 'trigger_source'],
  ])('400 with a reason for %j', async (body, reason) => {
    const before = exports().length;
    const res = await push(body);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(reason);
    expect(exports()).toHaveLength(before);
  });

  it('answers 500 to the first N pushes (scenario export.http500Times), then 204', async () => {
    platform.setScenario({ ...SCENARIO, export: { http500Times: 2 } });
    const message = envelope(trigger, 'm-500');
    expect((await push(message)).status).toBe(500);
    expect((await push(message)).status).toBe(500);
    expect((await push(message)).status).toBe(204);
    expect(exports().filter((e) => e.messageId === 'm-500')).toHaveLength(1);
  });
});
