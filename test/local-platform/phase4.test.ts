/**
 * The precompute service's `POST {precomputeUrl}/process-date`, as the local platform simulates it: the named
 * processors run in order, the answer is ALWAYS 200 `completed` with one result per processor (the caller checks
 * each), successes publish their completion (backfill_mode alone does not silence phase 4: only
 * skip_downstream_trigger does), failures never publish, and `AUTO` is yesterday in UTC. Its `POST /process`, the
 * push endpoint of the legacy 3 -> 4 trigger topic, takes one message per source table and rejects a combined one
 * with 400 (failure mode 4).
 */
import { loadConfig } from '../../config/load';
import {
  startLocalPlatform,
  type LocalPlatform,
  type PublishEvent,
  type RunEvent,
  type Scenario,
} from '../../local-platform';
import { useLocalPlatform } from '../helpers/local-platform';

const config = loadConfig({}, { platform: { requestTimeoutSeconds: 0.3 } });
const FAST: Scenario = { name: 'fast', defaultDelayMs: 5 };
const CLASSES = config.processors[4].map((p) => p.className);

const local = useLocalPlatform({ config, scenario: FAST });
beforeEach(() => local.platform.setScenario(FAST));

async function processDate(
  body: unknown,
  headers: Record<string, string> = {},
  target: LocalPlatform = local.platform,
) {
  const res = await fetch(`${target.url}/phase4/process-date`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  await target.deliveriesSettled();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: text ? (JSON.parse(text) as any) : undefined, headers: res.headers };
}
const published = (date: string) =>
  local.platform
    .events()
    .filter(
      (e): e is PublishEvent => e.type === 'publish' && e.topic === config.topics[4] && e.message.game_date === date,
    )
    .map((e) => e.message);
const acked = (date: string) =>
  local.receiver.acked().filter((m) => m.phase === 'phase_4_precompute' && m.game_date === date);

describe('POST /phase4/process-date', () => {
  it('runs all five in order for an empty list and publishes one class-name completion per processor', async () => {
    const res = await processDate({
      analysis_date: '2025-12-29',
      processors: [],
      correlation_id: 'c-4',
      trigger_source: 'gameday',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'completed', analysis_date: '2025-12-29', correlation_id: 'c-4' });
    expect(res.body.results.map((r: { processor: string }) => r.processor)).toEqual(CLASSES);
    for (const result of res.body.results) {
      expect(result).toMatchObject({ status: 'success', stats: { record_count: expect.any(Number), published: true } });
      expect(result.stats.record_count).toBeGreaterThan(0);
      expect(result.stats.execution_id).toMatch(/^[0-9a-f]{8}$/);
    }
    const messages = acked('2025-12-29');
    expect(messages.map((m) => m.processor_name)).toEqual(CLASSES);
    const mlfs = messages.find((m) => m.processor_name === 'MLFeatureStoreProcessor')!;
    expect(mlfs).toMatchObject({
      phase: 'phase_4_precompute',
      output_table: 'ml_feature_store_v2',
      output_dataset: 'nba_predictions',
      correlation_id: 'c-4',
      trigger_source: 'gameday',
      status: 'success',
      record_count: 11 * 26,
      metadata: { total_runtime: 0.005, rows_processed: 11 * 26, rows_skipped: 0 },
    });
    expect(mlfs.execution_id).toBe(res.body.results[4].stats.execution_id);
    expect(messages.find((m) => m.processor_name === 'PlayerDailyCacheProcessor')?.output_dataset).toBe(
      'nba_precompute',
    );
    expect(messages.find((m) => m.processor_name === 'TeamDefenseZoneAnalysisProcessor')?.record_count).toBe(22);
    expect(local.receiver.received.find((r) => r.message === mlfs)?.envelope.subscription).toBe(
      'projects/nba-props-platform/subscriptions/nba-phase4-precompute-complete-gameday',
    );
  });

  it('without a correlation_id or trigger_source: "manual", and the execution id as correlation id', async () => {
    const res = await processDate({ analysis_date: '2025-11-09', processors: ['PlayerShotZoneAnalysisProcessor'] });
    expect(res.body.correlation_id).toBeNull();
    const [message] = published('2025-11-09');
    expect(message).toMatchObject({ trigger_source: 'manual', processor_name: 'PlayerShotZoneAnalysisProcessor' });
    expect(message.correlation_id).toBe(message.execution_id);
  });

  it('backfill_mode alone still publishes (failure mode 6 is phase 3 only); skip_downstream_trigger does not', async () => {
    const backfill = await processDate({ analysis_date: '2025-11-12', processors: [], backfill_mode: true });
    expect(backfill.status).toBe(200);
    expect(backfill.body.results.every((r: { stats: { published: boolean } }) => r.stats.published)).toBe(true);
    expect(published('2025-11-12').map((m) => m.processor_name)).toEqual(CLASSES);

    const skipped = await processDate({ analysis_date: '2025-11-17', processors: [], skip_downstream_trigger: true });
    expect(skipped.status).toBe(200);
    expect(
      skipped.body.results.map((r: { status: string; stats: { published: boolean } }) => [r.status, r.stats.published]),
    ).toEqual(CLASSES.map(() => ['success', false]));
    expect(published('2025-11-17')).toEqual([]);
    const runs = local.platform.events().filter((e): e is RunEvent => e.type === 'run' && e.gameDate === '2025-11-17');
    expect(runs.map((r) => r.outcome)).toEqual(CLASSES.map(() => 'suppressed'));
  });

  it('ALWAYS answers 200, with a failed result for the first N calls (resultFailedTimes), publishing only successes', async () => {
    local.platform.setScenario({ ...FAST, processors: { player_daily_cache: { resultFailedTimes: 1 } } });
    const first = await processDate({ analysis_date: '2025-11-10', processors: ['PlayerDailyCacheProcessor'] });
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('completed');
    expect(first.body.results).toEqual([
      expect.objectContaining({
        processor: 'PlayerDailyCacheProcessor',
        status: 'failed',
        error: expect.stringContaining('PlayerDailyCacheProcessor failed'),
        stats: expect.objectContaining({ record_count: 0, published: false }),
      }),
    ]);
    expect(published('2025-11-10')).toHaveLength(0);

    const second = await processDate({ analysis_date: '2025-11-10', processors: ['PlayerDailyCacheProcessor'] });
    expect(second.body.results[0]).toMatchObject({ status: 'success', stats: { published: true } });
    expect(published('2025-11-10').map((m) => m.processor_name)).toEqual(['PlayerDailyCacheProcessor']);
  });

  it('a `failed` processor answers 200 with a failed result and publishes nothing (phase 4 publishes only successes)', async () => {
    local.platform.setScenario({
      ...FAST,
      processors: { team_defense_zone_analysis: { behaviour: 'failed', errorMessage: 'zone query failed' } },
    });
    const res = await processDate({
      analysis_date: '2025-11-11',
      processors: ['TeamDefenseZoneAnalysisProcessor', 'PlayerShotZoneAnalysisProcessor'],
    });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual(['failed', 'success']);
    expect(res.body.results[0]).toMatchObject({ error: 'zone query failed', stats: { published: false } });
    expect(published('2025-11-11').map((m) => [m.processor_name, m.status])).toEqual([
      ['PlayerShotZoneAnalysisProcessor', 'success'],
    ]);
  });

  it('a `no_data` processor answers 200 with its no_data result and publishes nothing (success only)', async () => {
    local.platform.setScenario({ ...FAST, processors: { player_shot_zone_analysis: { behaviour: 'no_data' } } });
    const res = await processDate({
      analysis_date: '2025-11-18',
      processors: ['TeamDefenseZoneAnalysisProcessor', 'PlayerShotZoneAnalysisProcessor'],
    });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual(['success', 'no_data']);
    expect(published('2025-11-18').map((m) => [m.processor_name, m.status])).toEqual([
      ['TeamDefenseZoneAnalysisProcessor', 'success'],
    ]);
  });

  it('an Idempotency-Key replays the first answer per call without running again', async () => {
    const body = { analysis_date: '2025-11-13', processors: ['PlayerShotZoneAnalysisProcessor'] };
    const first = await processDate(body, { 'Idempotency-Key': 'p4-psza-2025-11-13' });
    const again = await processDate(body, { 'Idempotency-Key': 'p4-psza-2025-11-13' });
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await processDate(
      { analysis_date: '2025-11-13', processors: ['TeamDefenseZoneAnalysisProcessor'] },
      { 'Idempotency-Key': 'p4-tdza-2025-11-13' },
    );
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    const runs = local.platform.events().filter((e): e is RunEvent => e.type === 'run' && e.gameDate === '2025-11-13');
    expect(runs.map((r) => r.processor)).toEqual(['player_shot_zone_analysis', 'team_defense_zone_analysis']);
    expect(published('2025-11-13')).toHaveLength(2);
  });

  it('answers 403 and 500 to the first N calls naming a processor (not kept for the Idempotency-Key)', async () => {
    local.platform.setScenario({ ...FAST, processors: { ml_feature_store: { http500Times: 1, http403Times: 1 } } });
    const body = { analysis_date: '2025-11-14', processors: ['MLFeatureStoreProcessor'] };
    const forbidden = await processDate(body, { 'Idempotency-Key': 'mlfs' });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.message).toContain('nba-phase4-precompute-processors');
    const failed = await processDate(body, { 'Idempotency-Key': 'mlfs' });
    expect(failed.status).toBe(500);
    expect(failed.body.message).toContain('ml_feature_store');
    const ok = await processDate(body, { 'Idempotency-Key': 'mlfs' });
    expect(ok.status).toBe(200);
    expect(published('2025-11-14')).toHaveLength(1);
  });

  it('a `never` processor hangs the call until the request timeout (504); earlier ones published', async () => {
    local.platform.setScenario({ ...FAST, processors: { player_composite_factors: { behaviour: 'never' } } });
    const res = await processDate({
      analysis_date: '2025-11-15',
      processors: ['PlayerShotZoneAnalysisProcessor', 'PlayerCompositeFactorsProcessor', 'MLFeatureStoreProcessor'],
    });
    expect(res.status).toBe(504);
    expect(res.body.message).toContain('PlayerCompositeFactorsProcessor did not finish');
    expect(published('2025-11-15').map((m) => m.processor_name)).toEqual(['PlayerShotZoneAnalysisProcessor']);
  });

  it('AUTO is yesterday in UTC; TODAY and TOMORROW are in America/New_York', async () => {
    // 22:30 on 2025-12-29 in New York, already 2025-12-30 in UTC: AUTO is the 29th, where ET's yesterday is the 28th.
    const clock = new Date('2025-12-30T03:30:00Z');
    const other = await startLocalPlatform({
      config,
      scenario: FAST,
      publishUrl: local.receiver.url,
      port: 0,
      now: () => clock,
      noDaySimulation: true,
    });
    try {
      const date = async (analysis_date: string) =>
        (await processDate({ analysis_date, processors: ['PlayerShotZoneAnalysisProcessor'] }, {}, other)).body
          .analysis_date;
      expect(await date('AUTO')).toBe('2025-12-29');
      expect(await date('TODAY')).toBe('2025-12-29');
      expect(await date('TOMORROW')).toBe('2025-12-30');
      const morning = new Date('2025-12-29T15:00:00Z'); // 10:00 ET, the same date in both zones
      clock.setTime(morning.getTime());
      expect(await date('AUTO')).toBe('2025-12-28');
      expect(await date('TODAY')).toBe('2025-12-29');
    } finally {
      await other.close();
    }
  });

  it.each([
    [{ processors: [] }, 'analysis_date: is required'],
    [{ analysis_date: 'YESTERDAY' }, 'TODAY, TOMORROW, AUTO'],
    [{ analysis_date: 'auto' }, 'is not a date'],
    [{ analysis_date: '2025-11-16', processors: ['PlayerGameSummaryProcessor'] }, '"PlayerGameSummaryProcessor"'],
    [{ analysis_date: '2025-11-16', strict_mode: 'no' }, 'strict_mode'],
    [{ analysis_date: '2025-11-16', backfill_mode: 'true' }, 'backfill_mode'],
  ])('400 with a reason for %j', async (body, reason) => {
    const res = await processDate(body);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(reason);
  });
});

/** The push of one message on the legacy 3 -> 4 trigger topic to the precompute service's `/process`. */
async function pushTrigger(data: unknown, messageId = `t-${Math.random().toString(16).slice(2)}`) {
  const res = await fetch(`${local.platform.url}/phase4/process`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      message: { data: Buffer.from(JSON.stringify(data)).toString('base64'), messageId },
      subscription: 'projects/nba-props-platform/subscriptions/nba-phase4-trigger-sub',
    }),
  });
  const text = await res.text();
  await local.platform.deliveriesSettled();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: text ? (JSON.parse(text) as any) : undefined };
}
const runsOn = (date: string) =>
  local.platform
    .events()
    .filter((e): e is RunEvent => e.type === 'run' && e.gameDate === date)
    .map((r) => r.className);

describe('POST /phase4/process: the legacy 3 -> 4 trigger, one message per source table (failure mode 4)', () => {
  const legacyTrigger = (fields: Record<string, unknown>) => ({
    game_date: '2025-11-20',
    triggered_by: 'phase3_to_phase4_orchestrator',
    trigger_reason: 'all_complete',
    ...fields,
  });

  it('runs the trigger-run processors that depend on the message source table, and publishes them', async () => {
    const summary = await pushTrigger(legacyTrigger({ source_table: 'player_game_summary' }));
    expect(summary.status).toBe(200);
    expect(summary.body).toMatchObject({
      status: 'completed',
      source_table: 'player_game_summary',
      analysis_date: '2025-11-20',
    });
    expect(summary.body.results.map((r: { processor: string }) => r.processor)).toEqual([
      'PlayerShotZoneAnalysisProcessor',
      'PlayerDailyCacheProcessor',
    ]);
    const defense = await pushTrigger(legacyTrigger({ source_table: 'team_defense_game_summary' }));
    expect(defense.body.results.map((r: { processor: string }) => r.processor)).toEqual([
      'TeamDefenseZoneAnalysisProcessor',
    ]);
    // Composite factors and the feature store never run from a trigger message: only /process-date runs them.
    expect(runsOn('2025-11-20')).toEqual([
      'PlayerShotZoneAnalysisProcessor',
      'PlayerDailyCacheProcessor',
      'TeamDefenseZoneAnalysisProcessor',
    ]);
    expect(published('2025-11-20').map((m) => m.processor_name)).toEqual(runsOn('2025-11-20'));
  });

  it.each([
    [
      'a list of source tables',
      { source_tables: ['player_game_summary', 'team_defense_game_summary'] },
      '["player_game_summary","team_defense_game_summary"]',
    ],
    ['source_table as a list', { source_table: ['player_game_summary', 'team_offense_game_summary'] }, 'one message'],
    ['no source_table at all', { processors: ['PlayerDailyCacheProcessor'] }, 'Missing source_table'],
  ])('rejects a combined trigger (%s) with 400 and runs nothing', async (_label, fields, reason) => {
    const res = await pushTrigger(legacyTrigger({ game_date: '2025-11-21', ...fields }));
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('Missing source_table in message');
    expect(res.body.message).toContain(reason);
    expect(runsOn('2025-11-21')).toEqual([]);
    expect(published('2025-11-21')).toEqual([]);
  });

  it('acknowledges a table no trigger-run processor depends on, and a failed phase-3 run, running nothing', async () => {
    const team = await pushTrigger(
      legacyTrigger({ game_date: '2025-11-22', source_table: 'upcoming_team_game_context' }),
    );
    expect(team).toMatchObject({ status: 200, body: { status: 'no_processors' } });
    const failed = await pushTrigger(
      legacyTrigger({ game_date: '2025-11-22', source_table: 'player_game_summary', success: false }),
    );
    expect(failed).toMatchObject({ status: 200, body: { status: 'skipped' } });
    expect(runsOn('2025-11-22')).toEqual([]);
  });

  it('answers 500 when every processor it ran failed, so Pub/Sub redelivers the message', async () => {
    local.platform.setScenario({ ...FAST, processors: { team_defense_zone_analysis: { behaviour: 'failed' } } });
    const res = await pushTrigger(
      legacyTrigger({ game_date: '2025-11-23', source_table: 'team_defense_game_summary' }),
    );
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ status: 'failed', results: [{ status: 'failed' }] });
  });

  it('while /process-date keeps the real contract: several processors in one call are accepted', async () => {
    const res = await processDate({
      analysis_date: '2025-11-24',
      processors: ['TeamDefenseZoneAnalysisProcessor', 'PlayerShotZoneAnalysisProcessor'],
    });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual(['success', 'success']);
  });
});
