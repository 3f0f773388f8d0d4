import type { BigQuery } from '@google-cloud/bigquery';
import { createActivities } from '../../activities';
import type { ExecutionLogEvent } from '../../activities';
import { loadConfig } from '../../config/load';
import type { GamedayConfig } from '../../config/schema';
import { startLocalPlatform } from '../../local-platform';
import { gamesFor } from '../../local-platform/schedule';
import { startPushReceiver } from '../../local-platform/testing/push-receiver';
import { applyWarehouse, exitCodeFor, type WarehouseChange } from '../../warehouse/apply';
import { createBigQueryClient, plain, runQuery } from '../../warehouse/client';
import { emulatorUnavailableReason, startBigQueryEmulator, type BigQueryEmulator } from '../../warehouse/emulator';
import { tableRows } from '../../warehouse/rows';
import { bigQuerySink, insertRows, seedDate, seedDemoDates } from '../../warehouse/seed';
import { TABLES } from '../../warehouse/tables';

// Jest cannot run teeny-request's dynamic import of node-fetch: see teeny-request-shim.ts.
jest.mock('teeny-request', () =>
  (jest.requireActual('./teeny-request-shim') as { teenyRequestWithNodeFetch(): unknown }).teenyRequestWithNodeFetch(),
);

const unavailable = emulatorUnavailableReason();
if (unavailable) console.warn(`SKIPPING warehouse tests against the BigQuery emulator: ${unavailable}`);
const suite = unavailable ? describe.skip : describe;

const COMPLETE = '2025-12-28'; // seeded complete day (15 games)
const STUCK = '2025-12-29'; // 11 games, phase 3 done, nothing from phase 4
const SHORT = '2025-12-30'; // 8 games, short data everywhere
const POSTPONED = '2025-12-24'; // one game, postponed
const now = new Date('2026-01-15T17:00:00Z');

suite('warehouse against the BigQuery emulator', () => {
  let emulator: BigQueryEmulator;
  let config: GamedayConfig;
  let bq: BigQuery;
  let firstApply: WarehouseChange[];
  let activities: ReturnType<typeof createActivities>;

  beforeAll(async () => {
    emulator = await startBigQueryEmulator();
    config = loadConfig(
      {},
      {
        timeScale: 1,
        warehouse: { enabled: true, apiEndpoint: emulator.apiEndpoint, projectId: emulator.projectId, location: 'US' },
      },
    );
    bq = createBigQueryClient(config.warehouse);
    firstApply = await applyWarehouse(bq, config, { platformTables: true });
    activities = createActivities(config, { bigQuery: bq });

    await seedDemoDates(bq, config, now);
    const stuckGames = gamesFor(STUCK, { name: 'seed' }, now);
    await seedDate(bq, config, STUCK, stuckGames, {
      nbac_schedule: true,
      player_game_summary: true,
      team_defense_game_summary: true,
      team_offense_game_summary: true,
      upcoming_player_game_context: true,
      upcoming_team_game_context: true,
    });
    const shortGames = gamesFor(SHORT, { name: 'seed', gamesByDate: { [SHORT]: 8 } }, now);
    await seedDate(bq, config, SHORT, shortGames, {
      nbac_schedule: true,
      player_daily_cache: true,
      ml_feature_store_v2: { cleanShare: 0.3 },
      player_prop_predictions: { count: 5 },
    });
    // analytics for 5 of the 8 games only, and short
    const covered = shortGames.slice(0, 5);
    await insertRows(
      bq,
      config,
      'player_game_summary',
      tableRows('player_game_summary', SHORT, covered, { count: 40 })!,
    );
    await insertRows(
      bq,
      config,
      'team_defense_game_summary',
      tableRows('team_defense_game_summary', SHORT, covered, { count: 10 })!,
    );
    await insertRows(
      bq,
      config,
      'upcoming_player_game_context',
      tableRows('upcoming_player_game_context', SHORT, shortGames, { count: 20 })!,
    );
    const [postponed] = gamesFor(POSTPONED, { name: 'seed', gamesByDate: { [POSTPONED]: 1 } }, now);
    await seedDate(bq, config, POSTPONED, [{ ...postponed, game_status: 1, game_status_text: 'Postponed' }], {
      nbac_schedule: true,
    });
  });
  afterAll(async () => {
    await emulator?.stop();
  });

  describe('warehouse-apply', () => {
    it('creates the datasets, the tables and the view, then changes nothing on a second run', async () => {
      const created = firstApply.filter((c) => c.action === 'created').map((c) => c.name);
      expect(created).toEqual(
        expect.arrayContaining([
          'nba_orchestration',
          'nba_orchestration.processor_execution_log',
          'nba_orchestration.daily_phase_status',
          'nba_raw.nbac_schedule',
          'nba_predictions.ml_feature_store_v2',
        ]),
      );
      expect(exitCodeFor(firstApply)).toBe(0);
      const again = await applyWarehouse(bq, config, { platformTables: true });
      expect(again.filter((c) => c.action !== 'unchanged')).toEqual([]);
      expect(again).toHaveLength(5 + TABLES.length + 1);
      const [meta] = await bq.dataset('nba_orchestration').table('processor_execution_log').getMetadata();
      expect(meta.timePartitioning).toMatchObject({ type: 'DAY', field: 'triggered_at' });
      expect(meta.clustering).toEqual({ fields: ['processor_name', 'status'] });
    });
  });

  describe('games scheduled', () => {
    it('deduplicates the schedule per (game_id, game_date) and leaves out postponed games', async () => {
      expect(await activities.countScheduledGames(STUCK)).toBe(11);
      expect(await activities.countScheduledGames(COMPLETE)).toBe(15);
      expect(await activities.countScheduledGames(POSTPONED)).toBe(0);
      expect(await activities.countScheduledGames('2025-12-25')).toBe(0);
    });
  });

  describe('data gates', () => {
    it('before phase 4: passes on a complete day', async () => {
      const gate = await activities.checkDataGate({ gameDate: COMPLETE, phase: 4 });
      expect(gate).toMatchObject({ enabled: true, passed: true, recheckAfterMs: 5 * 60_000 });
      expect(gate.checks.map((c) => c.check)).toEqual([
        'min_rows:player_game_summary',
        'min_rows:team_defense_game_summary',
        'min_rows:upcoming_player_game_context',
        'schedule_coverage',
      ]);
      expect(gate.checks[0]).toMatchObject({ observed: 480, required: 100 });
      expect(gate.checks[3].reason).toBe(`analytics covers 15/15 scheduled games by team pair (100%, need >= 80%)`);
    });

    it('before phase 4 on a same-day run: only the upcoming context is checked (games not played yet)', async () => {
      const overnight = await activities.checkDataGate({ gameDate: SHORT, phase: 4, mode: 'overnight' });
      expect(overnight.checks.map((c) => c.check)).toContain('schedule_coverage');
      const sameDay = await activities.checkDataGate({ gameDate: SHORT, phase: 4, mode: 'same_day' });
      expect(sameDay.checks.map((c) => c.check)).toEqual(['min_rows:upcoming_player_game_context']);
      expect(sameDay.checks[0]).toMatchObject({ passed: false, observed: 20, required: 27 });
      const stuckDay = await activities.checkDataGate({ gameDate: STUCK, phase: 4, mode: 'tomorrow' });
      expect(stuckDay).toMatchObject({
        passed: true,
        checks: [expect.objectContaining({ check: 'min_rows:upcoming_player_game_context' })],
      });
    });

    it('before phase 4: fails on short data with the numbers in the reasons', async () => {
      const gate = await activities.checkDataGate({ gameDate: SHORT, phase: 4 });
      expect(gate.passed).toBe(false);
      const reasons = gate.checks.map((c) => c.reason);
      expect(reasons).toEqual([
        // The analysis' minimums are for a full 15-game slate; an 8-game slate needs 8/15 of them.
        `player_game_summary has 40 rows for ${SHORT} (need >= 54, 100 scaled to a 8-game slate)`,
        `team_defense_game_summary has 10 rows for ${SHORT} (need >= 16, 30 scaled to a 8-game slate)`,
        `upcoming_player_game_context has 20 rows for ${SHORT} (need >= 27, 50 scaled to a 8-game slate)`,
        expect.stringMatching(
          /^analytics covers 5\/8 scheduled games by team pair \(62\.5%, need >= 80%\); missing \w{3}@\w{3}/,
        ),
      ]);
      expect(gate.checks.every((c) => !c.passed)).toBe(true);
    });

    it('before phase 5: phase-4 tables and clean feature rows', async () => {
      const good = await activities.checkDataGate({ gameDate: COMPLETE, phase: 5 });
      expect(good.passed).toBe(true);
      expect(good.checks.find((c) => c.check === 'clean_features')).toMatchObject({ passed: true, observed: 87.9 });

      const stuck = await activities.checkDataGate({ gameDate: STUCK, phase: 5 });
      expect(stuck.passed).toBe(false);
      expect(stuck.checks[0].reason).toMatch(new RegExp(`^0/5 phase-4 tables have rows for ${STUCK} \\(need >= 3\\)`));

      const short = await activities.checkDataGate({ gameDate: SHORT, phase: 5 });
      expect(short.checks.map((c) => [c.check, c.passed, c.reason])).toEqual([
        [
          'phase4_tables',
          false,
          expect.stringMatching(/^2\/5 phase-4 tables have rows for 2025-12-30 \(need >= 3\); empty: /),
        ],
        ['phase4_required:player_daily_cache', true, expect.any(String)],
        ['phase4_required:ml_feature_store_v2', true, expect.any(String)],
        ['clean_features', false, `clean feature rows for 77/256 players on ${SHORT} (30.1%, need >= 60%)`],
      ]);
    });

    it('before phase 6: active predictions, with the average feature quality', async () => {
      const good = await activities.checkDataGate({ gameDate: COMPLETE, phase: 6 });
      expect(good.passed).toBe(true);
      const short = await activities.checkDataGate({ gameDate: SHORT, phase: 6 });
      expect(short.checks[0]).toMatchObject({ passed: false, observed: 5, required: 10 });
      expect(short.checks[0].reason).toMatch(
        /^5 active predictions for 2025-12-30 \(need >= 10\); avg feature quality \d+(\.\d)?$/,
      );
      const summary = await activities.getPredictionSummary(COMPLETE);
      expect(summary).toMatchObject({ activePredictions: 480, produced: true });
      expect(summary.avgFeatureQuality).toBeGreaterThan(70);
      expect(summary.avgFeatureQuality).toBeLessThan(100);
    });

    it('a phase without a gate is not gated', async () => {
      expect(await activities.checkDataGate({ gameDate: COMPLETE, phase: 3 })).toMatchObject({
        enabled: false,
        passed: true,
      });
    });
  });

  describe('execution log', () => {
    const event = (key: string, status: string): ExecutionLogEvent => ({
      executionId: `gameday-${STUCK}:${key}`,
      processorName: key.includes('gate') ? 'data_gate' : 'gameday',
      phase: 'phase_4_precompute',
      triggeredAt: '2025-12-29T17:05:00.000Z',
      completedAt: key.includes('gate') ? '2025-12-29T17:05:01.000Z' : undefined,
      status,
      dataDate: STUCK,
      triggerSource: 'gameday',
      correlationId: `gameday-${STUCK}`,
      recordsProcessed: key.includes('gate') ? 40 : undefined,
      errorMessage: key.includes('gate') ? 'player_game_summary has 40 rows (need >= 100)' : undefined,
    });

    it('holds exactly one row per event when the write is retried', async () => {
      const events = [
        event('phase4:gate:1', 'gate_blocked'),
        event('phase4:trigger', 'triggered'),
        event('alert', 'alert_gate_failed'),
      ];
      expect(await activities.writeExecutionLog(events)).toBe(3);
      expect(await activities.writeExecutionLog(events)).toBe(0);
      expect(await activities.writeExecutionLog([...events, event('phase4:gate:2', 'gate_passed')])).toBe(1);
      const { rows } = await runQuery<Record<string, unknown>>(
        bq,
        `SELECT * FROM \`${emulator.projectId}.nba_orchestration.processor_execution_log\`
         WHERE correlation_id = @id ORDER BY execution_id`,
        { id: `gameday-${STUCK}` },
      );
      expect(rows).toHaveLength(4);
      const gateRow = rows.find((r) => r.execution_id === `gameday-${STUCK}:phase4:gate:1`)!;
      expect(plain(gateRow.data_date)).toBe(STUCK);
      expect(gateRow).toMatchObject({ status: 'gate_blocked', records_processed: 40, processor_name: 'data_gate' });
      expect(plain(gateRow.processed_at)).toEqual(expect.any(String));
      expect(rows.find((r) => r.status === 'triggered')!.completed_at).toBeNull();
    });
  });

  describe('daily_phase_status view', () => {
    it('says COMPLETE, PHASE_4_STUCK and NO_GAMES with the numbers per phase', async () => {
      const { rows } = await runQuery<Record<string, unknown>>(
        bq,
        `SELECT * FROM \`${emulator.projectId}.nba_orchestration.daily_phase_status\`
         WHERE game_date BETWEEN '2025-12-24' AND '2025-12-30' ORDER BY game_date`,
      );
      const byDate = Object.fromEntries(rows.map((r) => [plain(r.game_date), r]));
      expect(byDate[COMPLETE]).toMatchObject({
        games_scheduled: 15,
        phase2_records: 480,
        phase3_records: 960,
        phase4_records: 480,
        predictions: 480,
        pipeline_status: 'COMPLETE',
      });
      expect(Number(byDate[COMPLETE].avg_feature_quality)).toBeGreaterThan(70);
      expect(byDate[STUCK]).toMatchObject({
        games_scheduled: 11,
        phase3_records: 704,
        phase4_records: 0,
        pipeline_status: 'PHASE_4_STUCK',
      });
      expect(byDate[STUCK].avg_feature_quality).toBeNull();
      expect(byDate[SHORT]).toMatchObject({ games_scheduled: 8, predictions: 5, pipeline_status: 'PHASE_5_PENDING' });
      expect(byDate[POSTPONED]).toMatchObject({ games_scheduled: 0, pipeline_status: 'NO_GAMES' });
      expect(byDate['2025-12-25']).toMatchObject({ games_scheduled: 0, pipeline_status: 'NO_GAMES' });
    });
  });

  describe('local platform with the BigQuery sink', () => {
    it('writes realistic rows when a phase runs, enough for the gate', async () => {
      const receiver = await startPushReceiver();
      const date = '2026-01-10';
      const platform = await startLocalPlatform({
        config,
        scenario: { name: 'sink', defaultDelayMs: 5, gamesByDate: { [date]: 4 } },
        publishUrl: receiver.url,
        port: 0,
        now: () => now,
        warehouse: bigQuerySink(bq, config),
      });
      try {
        await seedDate(bq, config, date, gamesFor(date, { name: 'sink', gamesByDate: { [date]: 4 } }, now), {
          nbac_schedule: true,
        });
        const res = await fetch(`${platform.url}/phase3/process-date-range`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ start_date: date, end_date: date }),
        });
        expect(res.status).toBe(200);
        for (let i = 0; i < 200 && platform.events().filter((e) => e.type === 'run').length < 5; i++) {
          await new Promise((r) => setTimeout(r, 50));
        }
        const gate = await activities.checkDataGate({ gameDate: date, phase: 4 });
        expect(gate.checks.map((c) => [c.check, c.observed])).toEqual([
          ['min_rows:player_game_summary', 128],
          ['min_rows:team_defense_game_summary', 8],
          ['min_rows:upcoming_player_game_context', 128],
          ['schedule_coverage', 100],
        ]);
      } finally {
        await platform.close();
        await receiver.close();
      }
    });
  });
  describe('warehouse-apply, changed by hand (runs last: it alters tables)', () => {
    it('adds a missing column to its own table and reports drift it cannot fix', async () => {
      const table = bq.dataset('nba_orchestration').table('processor_execution_log');
      const [meta] = await table.getMetadata();
      await table.delete();
      await table.create({
        schema: { fields: meta.schema.fields.filter((f: { name: string }) => f.name !== 'error_message') },
        timePartitioning: { type: 'DAY', field: 'triggered_at' },
      });
      const changes = await applyWarehouse(bq, config);
      expect(changes.find((c) => c.name === 'nba_orchestration.processor_execution_log')).toEqual({
        kind: 'table',
        name: 'nba_orchestration.processor_execution_log',
        action: 'updated',
        detail: 'add columns error_message',
      });
      await bq.dataset('nba_precompute').table('player_composite_factors').delete();
      const drift = await applyWarehouse(bq, config);
      expect(drift.find((c) => c.action === 'drift')).toMatchObject({
        name: 'nba_precompute.player_composite_factors',
        detail: 'missing: the platform creates it',
      });
      expect(exitCodeFor(drift)).toBe(2);
      await applyWarehouse(bq, config, { platformTables: true });
    });
  });
});
