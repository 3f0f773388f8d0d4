import { loadConfig } from '../../config/load';
import { parseCompletionMessage } from '../../domain/completion-message';
import { startLocalPlatform, type LocalPlatform, type RunEvent, type Scenario } from '../../local-platform';
import { startPushReceiver, type PushReceiver } from '../../local-platform/testing/push-receiver';

const config = loadConfig({});
const FAST: Scenario = { name: 'fast', defaultDelayMs: 10 };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let receiver: PushReceiver;
let platform: LocalPlatform;

beforeAll(async () => {
  receiver = await startPushReceiver();
  platform = await startLocalPlatform({ config, scenario: FAST, publishUrl: receiver.url, port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await platform.close();
  await receiver.close();
});
beforeEach(() => platform.setScenario(FAST));

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${platform.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

const forDate = (date: string) =>
  receiver.acked().filter((m) => m.game_date === date && m.phase === 'phase_3_analytics');
const runsFor = (date: string) =>
  platform.events().filter((e): e is RunEvent => e.type === 'run' && e.gameDate === date && e.phase === 3);
async function runsSettled(date: string, count: number): Promise<RunEvent[]> {
  const deadline = Date.now() + 3000;
  while (runsFor(date).length < count) {
    if (Date.now() > deadline) throw new Error(`only ${runsFor(date).length} of ${count} runs for ${date}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  await platform.deliveriesSettled();
  return runsFor(date);
}

describe('POST /phase3/process-date-range', () => {
  it('answers 200 started and publishes each processor completion as a push envelope', async () => {
    const res = await post('/phase3/process-date-range', {
      start_date: '2025-12-29',
      end_date: '2025-12-29',
      processors: [],
      correlation_id: 'corr-1',
      trigger_source: 'gameday',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'started',
      start_date: '2025-12-29',
      end_date: '2025-12-29',
      correlation_id: 'corr-1',
    });
    expect(res.body.processors).toEqual(config.processors[3].map((p) => p.className));

    await receiver.waitFor(() => forDate('2025-12-29').length === 5);
    const push = receiver.received.find(
      (r) => r.message.processor_name === 'PlayerGameSummaryProcessor' && r.message.game_date === '2025-12-29',
    );
    expect(push).toBeDefined();
    const { envelope, message } = push!;
    expect(Object.keys(envelope).sort()).toEqual(['message', 'subscription']);
    expect(envelope.subscription).toBe(
      'projects/nba-props-platform/subscriptions/nba-phase3-analytics-complete-gameday',
    );
    expect(Object.keys(envelope.message).sort()).toEqual(['attributes', 'data', 'messageId', 'publishTime']);
    expect(envelope.message.attributes).toEqual({});
    expect(envelope.message.messageId).toMatch(/^\d+$/);
    expect(Number.isNaN(Date.parse(envelope.message.publishTime))).toBe(false);

    expect(parseCompletionMessage(message)).toEqual({ ok: true, value: message });
    expect(message).toMatchObject({
      processor_name: 'PlayerGameSummaryProcessor',
      phase: 'phase_3_analytics',
      correlation_id: 'corr-1',
      game_date: '2025-12-29',
      output_table: 'player_game_summary',
      output_dataset: 'nba_analytics',
      status: 'success',
      record_count: 11 * 32,
      trigger_source: 'gameday',
      metadata: {},
    });
    expect(message.execution_id).toMatch(UUID);
    expect(message.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(typeof message.duration_seconds).toBe('number');
    for (const value of Object.values(message)) expect(value).not.toBeNull();
    expect(message).not.toHaveProperty('error_message');
    expect(new Set(forDate('2025-12-29').map((m) => m.execution_id)).size).toBe(5);
  });

  it('runs only the named processors', async () => {
    const res = await post('/phase3/process-date-range', {
      start_date: '2025-11-02',
      end_date: '2025-11-03',
      processors: ['UpcomingPlayerGameContextProcessor'],
    });
    expect(res.status).toBe(200);
    expect(res.body.dates).toEqual(['2025-11-02', '2025-11-03']);
    await runsSettled('2025-11-03', 1);
    await runsSettled('2025-11-02', 1);
    expect(runsFor('2025-11-02').map((r) => r.processor)).toEqual(['upcoming_player_game_context']);
    expect(forDate('2025-11-03').map((m) => m.processor_name)).toEqual(['UpcomingPlayerGameContextProcessor']);
    // no correlation_id in the request: one is generated and shared by the run's messages
    expect(forDate('2025-11-03')[0].correlation_id).toBe(res.body.correlation_id);
  });

  it('rejects an unknown processor class with 400 naming it', async () => {
    const res = await post('/phase3/process-date-range', {
      start_date: '2025-12-29',
      end_date: '2025-12-29',
      processors: ['PlayerGameSummaryProcessor', 'NoSuchProcessor'],
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('"NoSuchProcessor"');
  });

  it.each([
    [{ start_date: '2025-13-01', end_date: '2025-12-29' }, 'start_date'],
    [{ end_date: '2025-12-29' }, 'start_date: is required'],
    [{ start_date: '2025-12-29', end_date: 'today' }, 'end_date'],
    [{ start_date: '2025-12-29', end_date: '2025-12-28' }, 'before start_date'],
    [{ start_date: '2025-12-29', end_date: '2025-12-29', processors: 'PlayerGameSummaryProcessor' }, 'processors'],
    [{ start_date: '2025-12-29', end_date: '2025-12-29', backfill_mode: 'yes' }, 'backfill_mode'],
  ])('400 with a reason for %j', async (body, reason) => {
    const res = await post('/phase3/process-date-range', body);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(reason);
  });

  it('resolves YESTERDAY/TODAY/TOMORROW in America/New_York', async () => {
    const clock = new Date('2025-12-30T03:30:00Z'); // 22:30 on 2025-12-29 in New York, already the 30th in UTC
    const other = await startLocalPlatform({
      config,
      scenario: { name: 'quiet', processors: {}, defaultDelayMs: 10 },
      publishUrl: receiver.url,
      port: 0,
      now: () => clock,
    });
    try {
      const res = await fetch(`${other.url}/phase3/process-date-range`, {
        method: 'POST',
        body: JSON.stringify({ start_date: 'YESTERDAY', end_date: 'TOMORROW', backfill_mode: true }),
      });
      const body = (await res.json()) as { dates: string[] };
      expect(body.dates).toEqual(['2025-12-28', '2025-12-29', '2025-12-30']);
    } finally {
      await other.close();
    }
  });

  it('backfill_mode and skip_downstream_trigger run but publish nothing (failure mode 6)', async () => {
    expect(
      (
        await post('/phase3/process-date-range', {
          start_date: '2025-10-25',
          end_date: '2025-10-25',
          backfill_mode: true,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await post('/phase3/process-date-range', {
          start_date: '2025-10-26',
          end_date: '2025-10-26',
          skip_downstream_trigger: true,
        })
      ).status,
    ).toBe(200);
    const runs = [...(await runsSettled('2025-10-25', 5)), ...(await runsSettled('2025-10-26', 5))];
    expect(runs.every((r) => r.outcome === 'suppressed' && r.status === 'success')).toBe(true);
    expect(forDate('2025-10-25')).toHaveLength(0);
    expect(forDate('2025-10-26')).toHaveLength(0);
  });

  it('incident: upcoming_team_game_context never completes, the other four do', async () => {
    platform.setScenario({
      name: 'incident-fast',
      defaultDelayMs: 10,
      processors: { upcoming_team_game_context: { behaviour: 'never' } },
    });
    await post('/phase3/process-date-range', { start_date: '2025-10-27', end_date: '2025-10-27' });
    const runs = await runsSettled('2025-10-27', 5);
    expect(runs.find((r) => r.processor === 'upcoming_team_game_context')?.outcome).toBe('never');
    await new Promise((r) => setTimeout(r, 50));
    expect(
      forDate('2025-10-27')
        .map((m) => m.output_table)
        .sort(),
    ).toEqual([
      'player_game_summary',
      'team_defense_game_summary',
      'team_offense_game_summary',
      'upcoming_player_game_context',
    ]);
  });

  it('failed, no_data, silent and Async class names', async () => {
    platform.setScenario({
      name: 'mixed',
      defaultDelayMs: 10,
      processors: {
        player_game_summary: { behaviour: 'failed', errorMessage: 'boom' },
        team_defense_game_summary: { behaviour: 'no_data' },
        team_offense_game_summary: { behaviour: 'silent' },
        upcoming_player_game_context: { asyncClassName: true },
      },
    });
    await post('/phase3/process-date-range', { start_date: '2025-10-28', end_date: '2025-10-28' });
    await runsSettled('2025-10-28', 5);
    const byTable = Object.fromEntries(forDate('2025-10-28').map((m) => [m.output_table, m]));
    expect(byTable.player_game_summary).toMatchObject({
      status: 'failed',
      error_message: 'boom',
      error_type: 'ProcessorError',
      record_count: 0,
    });
    expect(byTable.team_defense_game_summary).toMatchObject({ status: 'no_data', record_count: 0 });
    expect(byTable.team_offense_game_summary).toBeUndefined();
    expect(byTable.upcoming_player_game_context.processor_name).toBe('AsyncUpcomingPlayerGameContextProcessor');
    expect(byTable.upcoming_team_game_context.status).toBe('success');
  });

  it('answers 500 to the first N calls naming a processor, then runs; 500s are not cached by Idempotency-Key', async () => {
    platform.setScenario({
      name: 'flaky',
      defaultDelayMs: 10,
      processors: { player_game_summary: { http500Times: 2 } },
    });
    const body = { start_date: '2025-10-29', end_date: '2025-10-29', processors: ['PlayerGameSummaryProcessor'] };
    const key = { 'Idempotency-Key': 'p3-flaky' };
    expect((await post('/phase3/process-date-range', body, key)).status).toBe(500);
    expect((await post('/phase3/process-date-range', body, key)).status).toBe(500);
    const ok = await post('/phase3/process-date-range', body, key);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('idempotent-replayed')).toBeNull();
    await runsSettled('2025-10-29', 1);
    expect(forDate('2025-10-29')).toHaveLength(1);
    // a call not naming the flaky processor is unaffected
    platform.setScenario({
      name: 'flaky',
      defaultDelayMs: 10,
      processors: { player_game_summary: { http500Times: 1 } },
    });
    expect(
      (await post('/phase3/process-date-range', { ...body, processors: ['TeamOffenseGameSummaryProcessor'] })).status,
    ).toBe(200);
  });

  it('replays the first answer for a repeated Idempotency-Key without running again', async () => {
    const body = { start_date: '2025-10-30', end_date: '2025-10-30', correlation_id: 'same' };
    const first = await post('/phase3/process-date-range', body, { 'Idempotency-Key': 'k-1' });
    const second = await post('/phase3/process-date-range', body, { 'Idempotency-Key': 'k-1' });
    expect(second.status).toBe(first.status);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    await runsSettled('2025-10-30', 5);
    await new Promise((r) => setTimeout(r, 50));
    expect(runsFor('2025-10-30')).toHaveLength(5);
    expect(forDate('2025-10-30')).toHaveLength(5);
    const requests = platform.events().filter((e) => e.type === 'request' && e.idempotencyKey === 'k-1');
    expect(requests.map((e) => e.type === 'request' && e.replayed)).toEqual([false, true].map((b) => b || undefined));

    const reused = await post(
      '/phase3/process-date-range',
      { ...body, correlation_id: 'different' },
      { 'Idempotency-Key': 'k-1' },
    );
    expect(reused.status).toBe(422);
    expect(reused.body.message).toContain('k-1');
  });
});
