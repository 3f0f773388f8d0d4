/**
 * The analytics service's manual run, `POST {analyticsUrl}/process-date-range`, as the local platform simulates it:
 * 200 started, then each named processor runs per date and publishes its completion under its class name, with
 * game_date = the range's end date, trigger_source "manual", and nothing at all when skip_downstream_trigger (which
 * defaults to backfill_mode) is set. (Phase 3 by subscription, from phase-2 completions: day-simulator.test.ts.)
 */
import { loadConfig } from '../../config/load';
import { startLocalPlatform, type PublishEvent, type RunEvent, type Scenario } from '../../local-platform';
import { useLocalPlatform } from '../helpers/local-platform';

// Processor run times are in the day's time: 1/100 makes a 2-second run take 20 ms.
const config = loadConfig({}, { timeScale: 1 / 100 });
const FAST: Scenario = { name: 'fast', defaultDelayMs: 2000 };
const CLASSES = config.processors[3].map((p) => p.className);

const local = useLocalPlatform({ config, scenario: FAST, host: '127.0.0.1' });
beforeEach(() => local.platform.setScenario(FAST));

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${local.platform.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: text ? (JSON.parse(text) as any) : undefined, headers: res.headers };
}
const run = (body: unknown, headers: Record<string, string> = {}) => post('/phase3/process-date-range', body, headers);

const forDate = (date: string) =>
  local.receiver.acked().filter((m) => m.game_date === date && m.phase === 'phase_3_analytics');
const publishesFor = (date: string) =>
  local.platform
    .events()
    .filter(
      (e): e is PublishEvent => e.type === 'publish' && e.message.game_date === date && e.topic === config.topics[3],
    );
const runsFor = (date: string) =>
  local.platform.events().filter((e): e is RunEvent => e.type === 'run' && e.gameDate === date && e.phase === 3);
async function runsSettled(date: string, count: number): Promise<RunEvent[]> {
  const deadline = Date.now() + 10_000;
  while (runsFor(date).length < count) {
    if (Date.now() > deadline) throw new Error(`only ${runsFor(date).length} of ${count} runs for ${date}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  await local.platform.deliveriesSettled();
  return runsFor(date);
}

describe('POST /phase3/process-date-range', () => {
  it('answers 200 started; each processor publishes its class-name completion, exactly as the platform does', async () => {
    const res = await run({
      start_date: '2025-12-29',
      end_date: '2025-12-29',
      processors: [],
      correlation_id: 'corr-1',
      trigger_source: 'gameday',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'started',
      start_date: '2025-12-29',
      end_date: '2025-12-29',
      dates: ['2025-12-29'],
      processors: CLASSES,
      backfill_mode: false,
      skip_downstream_trigger: false,
    });

    await local.receiver.waitFor(() => forDate('2025-12-29').length === 5, 10_000);
    const messages = forDate('2025-12-29');
    expect(messages.map((m) => m.processor_name).sort()).toEqual(
      [
        'AsyncUpcomingPlayerGameContextProcessor',
        'PlayerGameSummaryProcessor',
        'TeamDefenseGameSummaryProcessor',
        'TeamOffenseGameSummaryProcessor',
        'UpcomingTeamGameContextProcessor',
      ].sort(),
    );
    const pgs = messages.find((m) => m.processor_name === 'PlayerGameSummaryProcessor')!;
    expect(Object.keys(pgs)).toEqual([
      'processor_name',
      'phase',
      'execution_id',
      'correlation_id',
      'game_date',
      'output_table',
      'output_dataset',
      'status',
      'record_count',
      'records_failed',
      'timestamp',
      'duration_seconds',
      'trigger_source',
      'metadata',
    ]);
    expect(pgs).toMatchObject({
      phase: 'phase_3_analytics',
      game_date: '2025-12-29',
      output_table: 'player_game_summary',
      output_dataset: 'nba_analytics',
      status: 'success',
      record_count: 11 * 26,
      records_failed: 0,
      duration_seconds: 2,
      // the routes pass neither the caller's correlation_id nor its trigger_source to the processors
      trigger_source: 'manual',
      metadata: { is_incremental: false, entities_changed_count: null, entities_changed: [], save_time: 1 },
    });
    expect(pgs.execution_id).toMatch(/^[0-9a-f]{8}$/);
    expect(pgs.correlation_id).toBe(pgs.execution_id);
    expect(pgs.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
    expect(messages.find((m) => m.output_table === 'team_defense_game_summary')?.record_count).toBe(22);
    expect(new Set(messages.map((m) => m.execution_id)).size).toBe(5);

    // the bytes on the wire: Python separators and floats
    const push = local.receiver.received.find((r) => r.message === pgs)!;
    expect(push.envelope.subscription).toBe(
      'projects/nba-props-platform/subscriptions/nba-phase3-analytics-complete-gameday',
    );
    const data = Buffer.from(push.envelope.message.data, 'base64').toString('utf8');
    expect(data).toContain(
      '"duration_seconds": 2.0, "trigger_source": "manual", "metadata": {"is_incremental": false, ',
    );
    expect(data).toContain('"extract_time": 0.6, "transform_time": 0.4, "save_time": 1.0}}');
    expect(data).not.toContain('"error_message"');
    const runs = runsFor('2025-12-29');
    expect(runs.every((r) => r.cause === 'http gameday' && r.outcome === 'published')).toBe(true);
  });

  it('runs each date of a range; every message says the range end date', async () => {
    const res = await run({
      start_date: '2025-11-02',
      end_date: '2025-11-03',
      processors: ['UpcomingPlayerGameContextProcessor', 'UpcomingPlayerGameContextProcessor'],
    });
    expect(res.status).toBe(200);
    expect(res.body.dates).toEqual(['2025-11-02', '2025-11-03']);
    expect(res.body.processors).toEqual(['UpcomingPlayerGameContextProcessor']);
    await runsSettled('2025-11-02', 1);
    await runsSettled('2025-11-03', 1);
    expect(runsFor('2025-11-02').map((r) => r.processor)).toEqual(['upcoming_player_game_context']);
    await local.receiver.waitFor(() => forDate('2025-11-03').length === 2);
    expect(forDate('2025-11-02')).toEqual([]);
    expect(forDate('2025-11-03').map((m) => m.processor_name)).toEqual([
      'AsyncUpcomingPlayerGameContextProcessor',
      'AsyncUpcomingPlayerGameContextProcessor',
    ]);
  });

  it('skip_downstream_trigger defaults to backfill_mode: a backfill runs and publishes nothing (failure mode 6)', async () => {
    const backfill = await run({ start_date: '2025-10-25', end_date: '2025-10-25', backfill_mode: true });
    expect(backfill.status).toBe(200);
    expect(backfill.body).toMatchObject({ backfill_mode: true, skip_downstream_trigger: true });
    const skip = await run({ start_date: '2025-10-26', end_date: '2025-10-26', skip_downstream_trigger: true });
    expect(skip.body).toMatchObject({ backfill_mode: false, skip_downstream_trigger: true });
    // an explicit skip_downstream_trigger: false wins over backfill_mode
    const publishing = await run({
      start_date: '2025-10-24',
      end_date: '2025-10-24',
      backfill_mode: true,
      skip_downstream_trigger: false,
    });
    expect(publishing.body).toMatchObject({ backfill_mode: true, skip_downstream_trigger: false });

    const suppressed = [...(await runsSettled('2025-10-25', 5)), ...(await runsSettled('2025-10-26', 5))];
    expect(suppressed.every((r) => r.outcome === 'suppressed' && r.status === 'success')).toBe(true);
    expect(publishesFor('2025-10-25')).toHaveLength(0);
    expect(publishesFor('2025-10-26')).toHaveLength(0);
    const published = await runsSettled('2025-10-24', 5);
    expect(published.every((r) => r.outcome === 'published')).toBe(true);
    expect(publishesFor('2025-10-24')).toHaveLength(5);
  });

  it('rejects an unknown processor class with 400 naming it', async () => {
    const res = await run({
      start_date: '2025-12-29',
      end_date: '2025-12-29',
      processors: ['PlayerGameSummaryProcessor', 'player_game_summary'],
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('"player_game_summary"');
    expect(res.body.message).toContain('expected class names among PlayerGameSummaryProcessor');
  });

  it.each([
    [{ start_date: '2025-13-01', end_date: '2025-12-29' }, 'start_date'],
    [{ end_date: '2025-12-29' }, 'start_date: is required'],
    [{ start_date: '2025-12-29', end_date: 'today' }, 'end_date'],
    [{ start_date: '2025-12-29', end_date: '2025-12-28' }, 'before start_date'],
    [{ start_date: '2025-10-01', end_date: '2025-11-15' }, 'at most 31 per call'],
    [{ start_date: '2025-12-29', end_date: '2025-12-29', processors: 'PlayerGameSummaryProcessor' }, 'processors'],
    [{ start_date: '2025-12-29', end_date: '2025-12-29', backfill_mode: 'yes' }, 'backfill_mode'],
    [{ start_date: '2025-12-29', end_date: '2025-12-29', skip_downstream_trigger: 1 }, 'skip_downstream_trigger'],
  ])('400 with a reason for %j', async (body, reason) => {
    const res = await run(body);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(reason);
  });

  it('resolves YESTERDAY/TODAY/TOMORROW in America/New_York', async () => {
    const clock = new Date('2025-12-30T03:30:00Z'); // 22:30 on 2025-12-29 in New York, already the 30th in UTC
    const other = await startLocalPlatform({
      config,
      scenario: { name: 'quiet', defaultDelayMs: 10 },
      publishUrl: local.receiver.url,
      port: 0,
      now: () => clock,
      noDaySimulation: true,
    });
    try {
      const res = await fetch(`${other.url}/phase3/process-date-range`, {
        method: 'POST',
        body: JSON.stringify({ start_date: 'YESTERDAY', end_date: 'TOMORROW', backfill_mode: true }),
      });
      const body = (await res.json()) as { dates: string[]; start_date: string; end_date: string };
      expect(body).toMatchObject({ start_date: '2025-12-28', end_date: '2025-12-30' });
      expect(body.dates).toEqual(['2025-12-28', '2025-12-29', '2025-12-30']);
    } finally {
      await other.close();
    }
  });

  it('incident: upcoming_team_game_context never completes, the other four do', async () => {
    local.platform.setScenario({ ...FAST, processors: { upcoming_team_game_context: { behaviour: 'never' } } });
    await run({ start_date: '2025-10-27', end_date: '2025-10-27' });
    const runs = await runsSettled('2025-10-27', 5);
    expect(runs.find((r) => r.processor === 'upcoming_team_game_context')).toMatchObject({ outcome: 'never' });
    expect(runs.find((r) => r.processor === 'upcoming_team_game_context')?.status).toBeUndefined();
    await local.platform.deliveriesSettled();
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

  it('failed, no_data, silent, failed-then-success and the synchronous class name', async () => {
    local.platform.setScenario({
      ...FAST,
      processors: {
        player_game_summary: { behaviour: 'failed', errorMessage: 'boom' },
        team_defense_game_summary: { behaviour: 'no_data' },
        team_offense_game_summary: { behaviour: 'silent' },
        upcoming_player_game_context: { asyncClassName: false },
        upcoming_team_game_context: { behaviour: 'failed-then-success' },
      },
    });
    await run({ start_date: '2025-10-28', end_date: '2025-10-28' });
    const runs = await runsSettled('2025-10-28', 5);
    expect(Object.fromEntries(runs.map((r) => [r.processor, r.outcome]))).toEqual({
      player_game_summary: 'published',
      team_defense_game_summary: 'published',
      team_offense_game_summary: 'silent',
      upcoming_player_game_context: 'published',
      upcoming_team_game_context: 'failed_then_success',
    });
    const published = publishesFor('2025-10-28');
    const byTable = (table: string) => published.filter((e) => e.message.output_table === table).map((e) => e.message);
    expect(byTable('player_game_summary')).toEqual([
      expect.objectContaining({
        status: 'failed',
        error_message: 'boom',
        error_type: 'str',
        record_count: 0,
        duration_seconds: 0,
        metadata: expect.objectContaining({ extract_time: null, save_time: null }),
      }),
    ]);
    expect(byTable('team_defense_game_summary')).toEqual([
      expect.objectContaining({ status: 'no_data', record_count: 0 }),
    ]);
    expect(byTable('team_defense_game_summary')[0]).not.toHaveProperty('error_type');
    expect(byTable('team_offense_game_summary')).toEqual([]);
    expect(byTable('upcoming_player_game_context')[0].processor_name).toBe('UpcomingPlayerGameContextProcessor');
    // one run, two messages with its execution_id: the failed one first
    const utgc = byTable('upcoming_team_game_context');
    expect(utgc.map((m) => m.status)).toEqual(['failed', 'success']);
    expect(utgc[0].execution_id).toBe(utgc[1].execution_id);
  });

  it('silent-reruns: a rerun of a processor that already completed the date publishes nothing (failure mode 7)', async () => {
    local.platform.setScenario({ ...FAST, dedupeReruns: true });
    const body = { start_date: '2025-10-31', end_date: '2025-10-31', processors: ['PlayerGameSummaryProcessor'] };
    await run(body);
    await runsSettled('2025-10-31', 1);
    await run(body);
    const runs = await runsSettled('2025-10-31', 2);
    expect(runs.map((r) => r.outcome)).toEqual(['published', 'deduplicated']);
    expect(publishesFor('2025-10-31')).toHaveLength(1);
  });

  it('answers 403, then 500, to the first N calls naming a processor; 5xx answers are not kept for the Idempotency-Key', async () => {
    local.platform.setScenario({
      ...FAST,
      processors: { player_game_summary: { http403Times: 1, http500Times: 1 } },
    });
    const body = { start_date: '2025-10-29', end_date: '2025-10-29', processors: ['PlayerGameSummaryProcessor'] };
    const key = { 'Idempotency-Key': 'p3-flaky' };
    const forbidden = await run(body, key);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.message).toContain('permission');
    const failing = await run(body, key);
    expect(failing.status).toBe(500);
    expect(failing.body.message).toContain('player_game_summary');
    const ok = await run(body, key);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('idempotent-replayed')).toBeNull();
    await runsSettled('2025-10-29', 1);
    expect(publishesFor('2025-10-29')).toHaveLength(1);
    const injected = local.platform
      .events()
      .filter((e) => e.type === 'request' && e.idempotencyKey === 'p3-flaky')
      .map((e) => (e.type === 'request' ? e.injected : undefined));
    expect(injected).toEqual(['http403', 'http500', undefined]);
    // a call not naming the faulty processor is unaffected
    local.platform.setScenario({ ...FAST, processors: { player_game_summary: { http500Times: 1 } } });
    expect((await run({ ...body, processors: ['TeamOffenseGameSummaryProcessor'] })).status).toBe(200);
  });

  it('replays the first answer for a repeated Idempotency-Key without running again; 422 for another body', async () => {
    const body = { start_date: '2025-10-30', end_date: '2025-10-30', correlation_id: 'same' };
    const first = await run(body, { 'Idempotency-Key': 'k-1' });
    const second = await run(body, { 'Idempotency-Key': 'k-1' });
    expect(second.status).toBe(first.status);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    await runsSettled('2025-10-30', 5);
    expect(runsFor('2025-10-30')).toHaveLength(5);
    expect(publishesFor('2025-10-30')).toHaveLength(5);

    const reused = await run({ ...body, correlation_id: 'different' }, { 'Idempotency-Key': 'k-1' });
    expect(reused.status).toBe(422);
    expect(reused.body.message).toContain('k-1');
  });
});
