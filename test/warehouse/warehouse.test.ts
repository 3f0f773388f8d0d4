import type { BigQuery } from '@google-cloud/bigquery';
import { createActivities } from '../../activities';
import type { ExecutionLogEvent } from '../../activities';
import { loadConfig } from '../../config/load';
import type { GamedayConfig } from '../../config/schema';
import { startLocalPlatform } from '../../local-platform';
import { gameCount, gamesFor } from '../../local-platform/schedule';
import { minRowsForMode } from '../../activities/warehouse/gates';
import { CYCLES } from '../../domain/cycles';
import { startPushReceiver } from '../../local-platform/testing/push-receiver';
import { applyWarehouse, exitCodeFor, type WarehouseChange } from '../../warehouse/apply';
import { createBigQueryClient, plain, runQuery } from '../../warehouse/client';
import { emulatorUnavailableReason, startBigQueryEmulator, type BigQueryEmulator } from '../../warehouse/emulator';
import { scheduleRows, tableRows } from '../../warehouse/rows';
import { bigQuerySink, clearDate, insertRows, seedDate, seedDemoDates, seedSchedule } from '../../warehouse/seed';
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

  describe('games scheduled and Final', () => {
    it('deduplicates the schedule per (game_id, game_date) and leaves out postponed games', async () => {
      expect(await activities.countScheduledGames(STUCK)).toBe(11);
      expect(await activities.countScheduledGames(COMPLETE)).toBe(15);
      expect(await activities.countScheduledGames(POSTPONED)).toBe(0);
      expect(await activities.countScheduledGames('2025-12-25')).toBe(0);
      // every seeded game has a stale "scheduled" row besides its Final one: counted once, as Final
      expect(await activities.countFinalGames(COMPLETE)).toEqual({ total: 15, final: 15 });
      expect(await activities.countFinalGames(POSTPONED)).toEqual({ total: 0, final: 0 });
    });

    it('countFinalGames: the highest status per game wins, whatever the order the rows were written in', async () => {
      const date = '2025-12-20';
      const [a, b, c, d] = gamesFor(date, { name: 'seed', gamesByDate: { [date]: 4 } }, now);
      const t0 = new Date('2025-12-20T17:00:00Z');
      const t1 = new Date('2025-12-21T04:00:00Z');
      const t2 = new Date('2025-12-21T06:00:00Z');
      const row = (game: typeof a, status: 1 | 2 | 3, text: string, at: Date) =>
        scheduleRows(date, [{ ...game, game_status: status, game_status_text: text }], at);
      await clearDate(bq, config, date);
      await insertRows(bq, config, 'nbac_schedule', [
        // a: Final, then a late scrape still saying Live (newest row, lower status)
        ...row(a, 1, '7:00 pm ET', t0),
        ...row(a, 3, 'Final', t1),
        ...row(a, 2, 'Live', t2),
        // b: still live
        ...row(b, 1, '7:30 pm ET', t0),
        ...row(b, 2, 'Live', t2),
        // c: Final, scraped twice (the legacy count said two Final games)
        ...row(c, 3, 'Final', t1),
        ...row(c, 3, 'Final', t2),
        // d: postponed
        ...row(d, 1, '8:00 pm ET', t0),
        ...row(d, 1, 'Postponed', t2),
      ]);
      expect(await activities.countScheduledGames(date)).toBe(3);
      expect(await activities.countFinalGames(date)).toEqual({ total: 3, final: 2 });
    });

    it("seedSchedule writes the local platform's slate of many dates, statuses as of the given time", async () => {
      const dates = ['2026-01-20', '2026-01-21', '2026-01-22'];
      const expected = dates.map((d) => gameCount(d, { name: 'seed' }));
      expect(expected.every((n) => n > 0)).toBe(true);
      // noon ET on the 21st: the 20th is played, the 21st and 22nd are not
      const written = await seedSchedule(bq, config, dates, new Date('2026-01-21T17:00:00Z'));
      expect(written).toBe(expected.reduce((sum, n) => sum + n, 0));
      expect(await Promise.all(dates.map((d) => activities.countScheduledGames(d)))).toEqual(expected);
      expect(await Promise.all(dates.map((d) => activities.countFinalGames(d)))).toEqual([
        { total: expected[0], final: expected[0] },
        { total: expected[1], final: 0 },
        { total: expected[2], final: 0 },
      ]);
      // the next morning the 21st is Final: its games are not counted twice
      await seedSchedule(bq, config, ['2026-01-21'], new Date('2026-01-22T12:00:00Z'));
      expect(await activities.countScheduledGames('2026-01-21')).toBe(expected[1]);
      expect(await activities.countFinalGames('2026-01-21')).toEqual({ total: expected[1], final: expected[1] });
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

    it("before phase 4, per cycle: only the tables of the cycle's expected phase-3 processors", async () => {
      for (const cycle of CYCLES) {
        const gate = await activities.checkDataGate({ gameDate: SHORT, phase: 4, mode: cycle });
        const tables = Object.keys(minRowsForMode(config, cycle));
        const rowChecks = gate.checks.filter((c) => c.check.startsWith('min_rows:')).map((c) => c.check);
        expect(rowChecks).toEqual(tables.map((t) => `min_rows:${t}`));
        // the coverage of played games only exists overnight
        expect(gate.checks.some((c) => c.check === 'schedule_coverage')).toBe(cycle === 'overnight');
      }
      expect(config.lifecycle.same_day.phase3.expected).not.toContain('player_game_summary');
      const sameDay = await activities.checkDataGate({ gameDate: SHORT, phase: 4, mode: 'same_day' });
      expect(sameDay.checks.map((c) => c.check)).toEqual(['min_rows:upcoming_player_game_context']);
      expect(sameDay.checks[0]).toMatchObject({ passed: false, observed: 20, required: 27 });
      const tomorrow = await activities.checkDataGate({ gameDate: STUCK, phase: 4, mode: 'tomorrow' });
      expect(tomorrow).toMatchObject({
        enabled: true,
        passed: true,
        checks: [expect.objectContaining({ check: 'min_rows:upcoming_player_game_context', observed: 352 })],
      });
      // no cycle: overnight
      const overnight = await activities.checkDataGate({ gameDate: SHORT, phase: 4 });
      expect(overnight.checks.map((c) => c.check)).toContain('schedule_coverage');
    });

    it('a cycle whose phase-3 rule expects the game summaries checks them too', async () => {
      const wider = loadConfig(
        {},
        {
          timeScale: 1,
          warehouse: {
            enabled: true,
            apiEndpoint: emulator.apiEndpoint,
            projectId: emulator.projectId,
            location: 'US',
          },
          lifecycle: {
            same_day: {
              phase3: {
                expected: ['upcoming_player_game_context', 'player_game_summary'],
                critical: ['upcoming_player_game_context'],
                minimumComplete: 1,
                carriedOver: [],
                remedyAt: 'D 07:00',
              },
            },
          },
        },
      );
      const gate = await createActivities(wider, { bigQuery: bq }).checkDataGate({
        gameDate: SHORT,
        phase: 4,
        mode: 'same_day',
      });
      expect(gate.checks.map((c) => c.check)).toEqual([
        'min_rows:player_game_summary',
        'min_rows:upcoming_player_game_context',
      ]);
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
    it('writes realistic rows when a phase runs (as many as its completion says), enough for the gate', async () => {
      const receiver = await startPushReceiver();
      const date = '2026-01-10';
      const scenario = { name: 'sink', defaultDelayMs: 5, gamesByDate: { [date]: 4 } };
      const platform = await startLocalPlatform({
        config,
        scenario,
        publishUrl: receiver.url,
        port: 0,
        now: () => now,
        noDaySimulation: true,
        warehouse: bigQuerySink(bq, config),
      });
      try {
        await seedDate(bq, config, date, gamesFor(date, scenario, now), { nbac_schedule: true });
        const res = await fetch(`${platform.url}/phase3/process-date-range`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ start_date: date, end_date: date }),
        });
        expect(res.status).toBe(200);
        await receiver.waitFor((acked) => acked.length === 5, 30_000);
        const counts = Object.fromEntries(receiver.acked().map((m) => [m.output_table, m.record_count]));
        // player tables 26 rows per game, team tables 2
        expect(counts).toMatchObject({
          player_game_summary: 104,
          team_defense_game_summary: 8,
          upcoming_player_game_context: 104,
        });
        const gate = await activities.checkDataGate({ gameDate: date, phase: 4 });
        expect(gate.checks.map((c) => [c.check, c.observed])).toEqual([
          ['min_rows:player_game_summary', counts.player_game_summary],
          ['min_rows:team_defense_game_summary', counts.team_defense_game_summary],
          ['min_rows:upcoming_player_game_context', counts.upcoming_player_game_context],
          ['schedule_coverage', 100],
        ]);
        expect(gate.passed).toBe(true);
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

    it('the phase-6 gate counts active predictions alone: a failing feature-quality query does not block it', async () => {
      await bq.dataset('nba_predictions').table('ml_feature_store_v2').delete();
      try {
        const gate = await activities.checkDataGate({ gameDate: COMPLETE, phase: 6 });
        expect(gate.passed).toBe(true);
        expect(gate.checks[0]).toMatchObject({ passed: true, observed: 480 });
        expect(gate.checks[0].reason).toMatch(/; feature quality unknown \(.*ml_feature_store_v2/);
        // The phase-5 gate needs the table: without it the gate fails (it never passes on an error).
        await expect(activities.checkDataGate({ gameDate: COMPLETE, phase: 5 })).rejects.toThrow();
      } finally {
        await applyWarehouse(bq, config, { platformTables: true });
      }
    });
  });
});
