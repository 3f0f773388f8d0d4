import { loadConfig } from '../../config/load';
import { startLocalPlatform, type LocalPlatform, type RunEvent, type Scenario } from '../../local-platform';
import { startPushReceiver, type PushReceiver } from '../../local-platform/testing/push-receiver';

const config = loadConfig({}, { platform: { requestTimeoutSeconds: 0.3 } });
const FAST: Scenario = { name: 'fast', defaultDelayMs: 5 };
const CLASSES = config.processors[4].map((p) => p.className);

let receiver: PushReceiver;
let platform: LocalPlatform;

beforeAll(async () => {
  receiver = await startPushReceiver();
  platform = await startLocalPlatform({ config, scenario: FAST, publishUrl: receiver.url, port: 0 });
});
afterAll(async () => {
  await platform.close();
  await receiver.close();
});
beforeEach(() => platform.setScenario(FAST));

async function processDate(body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${platform.url}/phase4/process-date`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  await platform.deliveriesSettled();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}
const published = (date: string) =>
  receiver.acked().filter((m) => m.phase === 'phase_4_precompute' && m.game_date === date);

describe('POST /phase4/process-date', () => {
  it('runs all five in order for an empty list and publishes one completion per processor', async () => {
    const res = await processDate({
      analysis_date: '2025-12-29',
      processors: [],
      correlation_id: 'c-4',
      trigger_source: 'gameday',
    });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('completed');
    expect(res.body.results.map((r: { processor: string }) => r.processor)).toEqual(CLASSES);
    for (const result of res.body.results) {
      expect(result.status).toBe('success');
      expect(result.stats.record_count).toBeGreaterThan(0);
    }
    const messages = published('2025-12-29');
    expect(messages.map((m) => m.processor_name)).toEqual(CLASSES);
    const mlfs = messages.find((m) => m.processor_name === 'MLFeatureStoreProcessor')!;
    expect(mlfs).toMatchObject({
      output_table: 'ml_feature_store_v2',
      output_dataset: 'nba_predictions',
      correlation_id: 'c-4',
      trigger_source: 'gameday',
    });
    expect(messages.find((m) => m.processor_name === 'PlayerDailyCacheProcessor')?.output_dataset).toBe(
      'nba_precompute',
    );
    expect(receiver.received.find((r) => r.message === mlfs)?.envelope.subscription).toBe(
      'projects/nba-props-platform/subscriptions/nba-phase4-precompute-complete-gameday',
    );
  });

  it('ALWAYS answers 200, with a failed result for the first N calls (resultFailedTimes), publishing only successes', async () => {
    platform.setScenario({
      name: 'pdc-flaky',
      defaultDelayMs: 5,
      processors: { player_daily_cache: { resultFailedTimes: 1 } },
    });
    const first = await processDate({ analysis_date: '2025-11-10', processors: ['PlayerDailyCacheProcessor'] });
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('completed');
    expect(first.body.results).toEqual([
      expect.objectContaining({
        processor: 'PlayerDailyCacheProcessor',
        status: 'failed',
        error: expect.any(String),
        stats: expect.objectContaining({ record_count: 0 }),
      }),
    ]);
    expect(published('2025-11-10')).toHaveLength(0);

    const second = await processDate({ analysis_date: '2025-11-10', processors: ['PlayerDailyCacheProcessor'] });
    expect(second.status).toBe(200);
    expect(second.body.results[0].status).toBe('success');
    expect(published('2025-11-10').map((m) => m.processor_name)).toEqual(['PlayerDailyCacheProcessor']);
  });

  it('a `failed` processor answers 200 with a failed result and publishes status failed', async () => {
    platform.setScenario({
      name: 'tdza-fails',
      defaultDelayMs: 5,
      processors: { team_defense_zone_analysis: { behaviour: 'failed' } },
    });
    const res = await processDate({
      analysis_date: '2025-11-11',
      processors: ['TeamDefenseZoneAnalysisProcessor', 'PlayerShotZoneAnalysisProcessor'],
    });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual(['failed', 'success']);
    const messages = published('2025-11-11');
    expect(messages.find((m) => m.processor_name === 'TeamDefenseZoneAnalysisProcessor')).toMatchObject({
      status: 'failed',
      error_message: expect.any(String),
    });
    expect(messages.find((m) => m.processor_name === 'PlayerShotZoneAnalysisProcessor')?.status).toBe('success');
  });

  it('backfill_mode runs the processors and publishes nothing', async () => {
    const res = await processDate({ analysis_date: '2025-11-12', processors: [], backfill_mode: true });
    expect(res.status).toBe(200);
    expect(res.body.results.every((r: { status: string }) => r.status === 'success')).toBe(true);
    expect(published('2025-11-12')).toHaveLength(0);
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
    const runs = platform.events().filter((e): e is RunEvent => e.type === 'run' && e.gameDate === '2025-11-13');
    expect(runs.map((r) => r.processor)).toEqual(['player_shot_zone_analysis', 'team_defense_zone_analysis']);
    expect(published('2025-11-13')).toHaveLength(2);
  });

  it('answers 500 to the first N calls naming a processor', async () => {
    platform.setScenario({
      name: 'mlfs-500',
      defaultDelayMs: 5,
      processors: { ml_feature_store: { http500Times: 1 } },
    });
    const body = { analysis_date: '2025-11-14', processors: ['MLFeatureStoreProcessor'] };
    const first = await processDate(body, { 'Idempotency-Key': 'mlfs' });
    expect(first.status).toBe(500);
    expect(first.body.message).toContain('ml_feature_store');
    const second = await processDate(body, { 'Idempotency-Key': 'mlfs' });
    expect(second.status).toBe(200);
    expect(published('2025-11-14')).toHaveLength(1);
  });

  it('a `never` processor hangs the call until the request timeout (504)', async () => {
    platform.setScenario({
      name: 'pcf-hangs',
      defaultDelayMs: 5,
      processors: { player_composite_factors: { behaviour: 'never' } },
    });
    const started = Date.now();
    const res = await processDate({
      analysis_date: '2025-11-15',
      processors: ['PlayerShotZoneAnalysisProcessor', 'PlayerCompositeFactorsProcessor'],
    });
    expect(res.status).toBe(504);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(published('2025-11-15').map((m) => m.processor_name)).toEqual(['PlayerShotZoneAnalysisProcessor']);
  });

  it.each([
    [{ processors: [] }, 'analysis_date: is required'],
    [{ analysis_date: 'YESTERDAY' }, 'TODAY, TOMORROW, AUTO'],
    [{ analysis_date: '2025-11-16', processors: ['PlayerGameSummaryProcessor'] }, '"PlayerGameSummaryProcessor"'],
    [{ analysis_date: '2025-11-16', strict_mode: 'no' }, 'strict_mode'],
  ])('400 with a reason for %j', async (body, reason) => {
    const res = await processDate(body);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(reason);
  });
});
