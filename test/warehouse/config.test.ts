import { loadConfig } from '../../config/load';
import { minRowsForMode, requiredRows } from '../../activities/warehouse/gates';
import { CYCLES } from '../../domain/cycles';

describe('warehouse config', () => {
  it('defaults: the platform project, the five datasets and the gate thresholds', () => {
    const { warehouse } = loadConfig({});
    expect(warehouse.enabled).toBe(false);
    expect(warehouse.datasets).toEqual({
      raw: 'nba_raw',
      analytics: 'nba_analytics',
      precompute: 'nba_precompute',
      predictions: 'nba_predictions',
      orchestration: 'nba_orchestration',
    });
    expect(warehouse.gates.minRows).toEqual({
      player_game_summary: 100,
      team_defense_game_summary: 30,
      upcoming_player_game_context: 50,
    });
  });

  it('rejects an unknown table and a negative threshold at start-up, naming each', () => {
    const load = () =>
      loadConfig(
        {},
        {
          warehouse: {
            gates: {
              minRows: { player_game_sumary: 100, team_defense_game_summary: -5 },
              requiredPhase4Tables: ['ml_feature_store'],
              minCleanFeaturePct: -1,
            },
          },
        },
      );
    expect(load).toThrow(/invalid Gameday config/);
    let message = '';
    try {
      load();
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/warehouse\.gates\.minRows\.player_game_sumary: unknown table "player_game_sumary"/);
    expect(message).toMatch(/warehouse\.gates\.minRows\.team_defense_game_summary: must not be negative \(got -5\)/);
    expect(message).toMatch(/warehouse\.gates\.requiredPhase4Tables\.0: unknown table "ml_feature_store"/);
    expect(message).toMatch(/warehouse\.gates\.minCleanFeaturePct: must not be negative \(got -1\)/);
  });

  it('rejects a bad emulator endpoint and dataset name', () => {
    expect(() => loadConfig({}, { warehouse: { apiEndpoint: 'not a url', datasets: { raw: 'nba-raw' } } })).toThrow(
      /warehouse\.apiEndpoint[\s\S]*warehouse\.datasets\.raw: must be a BigQuery dataset name/,
    );
  });
});

describe('minimum rows scale with the slate', () => {
  test('a full slate needs the configured minimum; smaller slates proportionally fewer, never zero', () => {
    expect(requiredRows(30, 15, 15)).toBe(30);
    expect(requiredRows(30, 16, 15)).toBe(30);
    expect(requiredRows(30, 11, 15)).toBe(22);
    expect(requiredRows(100, 1, 15)).toBe(7);
    expect(requiredRows(30, 0, 15)).toBe(1);
    expect(requiredRows(0, 11, 15)).toBe(0);
  });
});

describe("the phase-4 gate per cycle: the minimum-rows tables of the cycle's expected phase-3 processors", () => {
  const config = loadConfig({});

  test('overnight checks every table; tomorrow and same_day only the upcoming context (games not played yet)', () => {
    expect(minRowsForMode(config, 'overnight')).toEqual(config.warehouse.gates.minRows);
    expect(minRowsForMode(config, 'tomorrow')).toEqual({ upcoming_player_game_context: 50 });
    expect(minRowsForMode(config, 'same_day')).toEqual({ upcoming_player_game_context: 50 });
  });

  test('follows config.lifecycle[cycle].phase3.expected', () => {
    for (const cycle of CYCLES) {
      const tables = new Set(
        config.processors[3]
          .filter((p) => config.lifecycle[cycle].phase3.expected.includes(p.name))
          .map((p) => p.outputTable),
      );
      expect(Object.keys(minRowsForMode(config, cycle)).every((t) => tables.has(t))).toBe(true);
    }
    const changed = loadConfig(
      {},
      {
        lifecycle: {
          same_day: {
            phase3: {
              expected: ['upcoming_player_game_context', 'upcoming_team_game_context', 'player_game_summary'],
              critical: ['upcoming_player_game_context'],
              minimumComplete: 1,
              carriedOver: [],
              remedyAt: 'D 07:00',
            },
          },
        },
        warehouse: { gates: { minRows: { player_game_summary: 80, upcoming_team_game_context: 20 } } },
      },
    );
    // minRows merges with the defaults: the three defaults (player_game_summary now 80) and the team context
    expect(minRowsForMode(changed, 'same_day')).toEqual({
      player_game_summary: 80,
      upcoming_player_game_context: 50,
      upcoming_team_game_context: 20,
    });
    expect(minRowsForMode(changed, 'tomorrow')).toEqual({
      upcoming_player_game_context: 50,
      upcoming_team_game_context: 20,
    });
  });
});
