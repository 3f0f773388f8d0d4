/**
 * The phase-6 export function's push endpoint (`POST {exportPushUrl}`): it validates the trigger message
 * (`update_latest` must be a boolean: only the newest date may overwrite the public "latest" files), records the
 * export, and publishes its completion on nba-phase6-export-complete, which Gameday reads as an export message.
 */
import { loadConfig } from '../../config/load';
import { toRunSettings } from '../../config/run-settings';
import { interpretMessage } from '../../domain/messages';
import { type ExportEvent, type PublishEvent, type Scenario } from '../../local-platform';
import { useLocalPlatform } from '../helpers/local-platform';

const config = loadConfig({});
const SCENARIO: Scenario = { name: 'export', defaultDelayMs: 5 };
const NOW = new Date('2025-12-29T21:00:00.250Z');
const local = useLocalPlatform({ config, scenario: SCENARIO, now: () => NOW });
beforeEach(() => local.platform.setScenario(SCENARIO));

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
  const res = await fetch(`${local.platform.url}/export/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: text ? (JSON.parse(text) as any) : undefined };
}
const exports = () => local.platform.events().filter((e): e is ExportEvent => e.type === 'export');
const completions = (correlationId: string) =>
  local.platform
    .events()
    .filter(
      (e): e is PublishEvent =>
        e.type === 'publish' && e.topic === config.topics[6] && e.message.correlation_id === correlationId,
    );

describe('POST /export/push', () => {
  it('accepts a valid trigger with 204, records it and publishes nba-phase6-export-complete', async () => {
    const res = await push(envelope({ ...trigger, correlation_id: 'c-ok' }, 'm-1'));
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    expect(exports().find((e) => e.messageId === 'm-1')).toMatchObject({
      trigger: { ...trigger, correlation_id: 'c-ok' },
      duplicate: false,
      subscription: 'projects/nba-props-platform/subscriptions/nba-phase6-export-trigger-export',
    });

    await local.receiver.waitFor((acked) => acked.some((m) => m.correlation_id === 'c-ok'));
    const [event] = completions('c-ok');
    expect(event.subscription).toBe('projects/nba-props-platform/subscriptions/nba-phase6-export-complete-gameday');
    expect(event.message).toEqual({
      processor_name: 'Phase6Export',
      phase: 'phase_6_publishing',
      correlation_id: 'c-ok',
      timestamp: '2025-12-29T21:00:00.250000+00:00',
      status: 'success',
      export_type: 'daily',
      duration_seconds: 12.5,
      paths: ['gs://nba-props-exports/tonight/2025-12-29.json', 'gs://nba-props-exports/predictions/2025-12-29.json'],
      errors: [],
      trigger_source: 'gameday',
      target_date: '2025-12-29',
      export_types: ['tonight', 'predictions'],
    });
    expect(event.data).toContain('"paths": ["gs://nba-props-exports/tonight/2025-12-29.json", "gs://');
    // Gameday reads it as the export of the date
    const delivery = { subscription: event.subscription, messageId: event.messageId };
    expect(interpretMessage(JSON.parse(event.data), delivery, toRunSettings(config).catalog)).toMatchObject({
      kind: 'export',
      gameDate: '2025-12-29',
      status: 'success',
      exportTypes: ['tonight', 'predictions'],
    });
  });

  it('update_latest false is recorded as such (an older date must not overwrite "latest")', async () => {
    expect(
      (await push(envelope({ ...trigger, target_date: '2025-12-20', update_latest: false }, 'm-old'))).status,
    ).toBe(204);
    expect(exports().find((e) => e.messageId === 'm-old')?.trigger).toMatchObject({
      target_date: '2025-12-20',
      update_latest: false,
    });
  });

  it('records a redelivered messageId as a duplicate, still 204, and publishes its completion once', async () => {
    const message = envelope({ ...trigger, correlation_id: 'c-dup' }, 'm-dup');
    expect((await push(message)).status).toBe(204);
    expect((await push(message)).status).toBe(204);
    expect(
      exports()
        .filter((e) => e.messageId === 'm-dup')
        .map((e) => e.duplicate),
    ).toEqual([false, true]);
    await local.platform.deliveriesSettled();
    expect(completions('c-dup')).toHaveLength(1);
  });

  it.each([
    ['a message without data', { message: {} }, 'message.data'],
    ['a trigger without its envelope', { trigger }, 'message'],
    ['data that is not JSON', envelope('not json at all'), 'not base64-encoded JSON'],
    ['no export types', envelope({ ...trigger, export_types: [] }), 'export_types'],
    ['an impossible date', envelope({ ...trigger, target_date: '2025-02-30' }), 'target_date'],
    ['a date word', envelope({ ...trigger, target_date: 'today' }), 'target_date'],
    ['update_latest "true" (a string)', envelope({ ...trigger, update_latest: 'true' }), 'update_latest'],
    ['update_latest 1', envelope({ ...trigger, update_latest: 1 }), 'update_latest'],
    ['no update_latest', envelope({ ...trigger, update_latest: undefined }), 'update_latest'],
    ['no correlation_id', envelope({ ...trigger, correlation_id: undefined }), 'correlation_id'],
    ['an empty trigger_source', envelope({ ...trigger, trigger_source: '' }), 'trigger_source'],
  ])('400 for %s, nothing recorded or published', async (_label, body, reason) => {
    const before = {
      exports: exports().length,
      events: local.platform.events().filter((e) => e.type === 'publish').length,
    };
    const res = await push(body);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(reason);
    expect(exports()).toHaveLength(before.exports);
    expect(local.platform.events().filter((e) => e.type === 'publish')).toHaveLength(before.events);
  });

  it('answers 500 to the first N pushes (scenario export.http500Times), then 204; only the accepted one publishes', async () => {
    local.platform.setScenario({ ...SCENARIO, export: { http500Times: 2 } });
    const message = envelope({ ...trigger, correlation_id: 'c-500' }, 'm-500');
    expect((await push(message)).status).toBe(500);
    expect((await push(message)).status).toBe(500);
    expect((await push(message)).status).toBe(204);
    expect(exports().filter((e) => e.messageId === 'm-500')).toEqual([expect.objectContaining({ duplicate: false })]);
    await local.platform.deliveriesSettled();
    expect(completions('c-500')).toHaveLength(1);
  });
});
