/**
 * The local platform's messages, byte for byte as the platform's Python publishers send them
 * (/work/research/platform-facts.md, section 1: `json.dumps(message, default=str)` of the shared publisher's dict):
 * key order of the dict literal, ", " and ": " separators, top-level None dropped, nested None kept, `metadata`
 * always there, and each phase's own names and conventions. Every expected string below was checked with Python:
 * `json.dumps(json.loads(s)) == s`.
 */
import { loadConfig } from '../../config/load';
import { toRunSettings } from '../../config/run-settings';
import { interpretMessage } from '../../domain/messages';
import type { ProcessorSpec } from '../../domain/processors';
import { buildCompletionMessage, pythonTimestamp, untrackedMessage } from '../../local-platform/completion';
import { RAW_PROCESSORS, SCRAPERS } from '../../local-platform/platform-catalog';
import { plain, pyFloat, pythonJsonDumps } from '../../local-platform/python-json';

const config = loadConfig({});
const catalog = toRunSettings(config).catalog;

function spec(phase: 1 | 2 | 3 | 4 | 5, name: string): ProcessorSpec {
  const found = config.processors[phase].find((p) => p.name === name);
  if (!found) throw new Error(`no phase-${phase} processor ${name}`);
  return found;
}

describe('pythonJsonDumps: json.dumps(value, default=str)', () => {
  it('keeps insertion order and uses ", " and ": " separators, nested and in arrays', () => {
    expect(pythonJsonDumps({ b: 1, a: [1, 2.5, 'x'], n: null, t: true, f: false, nested: { k: 'v' } })).toBe(
      '{"b": 1, "a": [1, 2.5, "x"], "n": null, "t": true, "f": false, "nested": {"k": "v"}}',
    );
    expect(pythonJsonDumps([])).toBe('[]');
    expect(pythonJsonDumps({})).toBe('{}');
  });

  it('escapes non-ASCII as \\uXXXX (surrogate pairs for astral characters) and DEL, as ensure_ascii does', () => {
    expect(pythonJsonDumps('Dončić 🏀 \x7f \x01 \n "q" \\ /')).toBe(
      '"Don\\u010di\\u0107 \\ud83c\\udfc0 \\u007f \\u0001 \\n \\"q\\" \\\\ /"',
    );
  });

  it('writes Python floats with a fractional part (0.0, 12.0) and ints as ints', () => {
    expect(
      pythonJsonDumps([pyFloat(0), pyFloat(12), pyFloat(98.63013698630137), pyFloat(0.1 + 0.2), 286, pyFloat(-0.5)]),
    ).toBe('[0.0, 12.0, 98.63013698630137, 0.30000000000000004, 286, -0.5]');
    // plain(): the JSON view (what a JSON parser reads back)
    expect(plain({ x: pyFloat(12), y: [pyFloat(0.5)] })).toEqual({ x: 12, y: [0.5] });
  });

  it('pythonTimestamp is isoformat() of a UTC datetime (microseconds, +00:00)', () => {
    expect(pythonTimestamp(new Date('2026-01-15T15:00:14.512Z'))).toBe('2026-01-15T15:00:14.512000+00:00');
  });
});

describe('completion messages per phase, exactly as published', () => {
  it('phase 1: the scraper snake name (oddsa_current_event_odds), underscore-less table, trigger "scheduler"', () => {
    const message = buildCompletionMessage({
      phase: 1,
      spec: spec(1, 'oddsa_current_event_odds'),
      executionId: '3f9a1c2e',
      gameDate: '2026-01-15',
      status: 'success',
      recordCount: 142,
      durationSeconds: 1.84,
      now: new Date('2026-01-15T15:00:14.512Z'),
    });
    expect(pythonJsonDumps(message)).toBe(
      '{"processor_name": "oddsa_current_event_odds", "phase": "phase_1_scrapers", "execution_id": "3f9a1c2e", ' +
        '"correlation_id": "3f9a1c2e", "game_date": "2026-01-15", "output_table": "oddsacurrenteventodds", ' +
        '"output_dataset": "nba_raw", "status": "success", "record_count": 142, "records_failed": 0, ' +
        '"timestamp": "2026-01-15T15:00:14.512000+00:00", "duration_seconds": 1.84, "trigger_source": "scheduler", ' +
        '"metadata": {"scraper_class": "GetOddsApiCurrentEventOdds", ' +
        '"gcs_path": "gs://nba-scraped-data/oddsa_current_event_odds/2026-01-15/3f9a1c2e.json", ' +
        '"workflow": "betting_lines", "scraper_type": "api"}}',
    );
  });

  it('phase 1 failure: error_message and error_type "type"', () => {
    const message = buildCompletionMessage({
      phase: 1,
      spec: spec(1, 'nbac_player_boxscore'),
      executionId: 'a17c03d9',
      gameDate: '2026-01-16',
      status: 'failed',
      recordCount: 0,
      durationSeconds: 12.07,
      errorMessage: 'No data returned for gamedate 20260115',
      now: new Date('2026-01-16T06:00:41.003Z'),
    });
    expect(Object.keys(message)).toEqual([
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
      'error_message',
      'error_type',
      'metadata',
    ]);
    expect(message).toMatchObject({
      processor_name: 'nbac_player_boxscore',
      output_table: 'nbacplayerboxscore',
      error_message: 'No data returned for gamedate 20260115',
      error_type: 'type',
    });
  });

  it('phase 2: the class name, the dataset-prefixed table, a zero duration and the trigger message id', () => {
    const message = buildCompletionMessage({
      phase: 2,
      spec: spec(2, 'nbac_gamebook_player_stats'),
      executionId: '9b2e41d0',
      correlationId: '5c8d2f11',
      gameDate: '2026-01-15',
      status: 'success',
      recordCount: 238,
      durationSeconds: 3.2,
      triggerSource: 'unified_v2',
      triggerMessageId: '17839920114523871',
      now: new Date('2026-01-16T09:12:03.118Z'),
    });
    expect(pythonJsonDumps(message)).toBe(
      '{"processor_name": "NbacGamebookProcessor", "phase": "phase_2_raw", "execution_id": "9b2e41d0", ' +
        '"correlation_id": "5c8d2f11", "game_date": "2026-01-15", "output_table": "nba_raw.nbac_gamebook_player_stats", ' +
        '"output_dataset": "nba_raw", "status": "success", "record_count": 238, "records_failed": 0, ' +
        '"timestamp": "2026-01-16T09:12:03.118000+00:00", "duration_seconds": 0, "trigger_source": "unified_v2", ' +
        '"trigger_message_id": "17839920114523871", "metadata": {"rows_updated": 0, "processing_strategy": "INSERT"}}',
    );
  });

  it('phase 2: props under nba_raw.odds_api_player_points_props; player box scores under the bare table', () => {
    const base = {
      phase: 2 as const,
      executionId: 'd2c4e6f8',
      gameDate: '2026-01-15',
      status: 'success' as const,
      recordCount: 10,
      durationSeconds: 1,
      now: new Date('2026-01-15T15:02:10Z'),
    };
    const props = buildCompletionMessage({ ...base, spec: spec(2, 'odds_api_player_points_props') });
    expect(props).toMatchObject({
      processor_name: 'OddsApiPropsBatchProcessor',
      output_table: 'nba_raw.odds_api_player_points_props',
      trigger_source: 'unified_v2',
    });
    const box = buildCompletionMessage({ ...base, spec: RAW_PROCESSORS.playerBox });
    expect(box).toMatchObject({ processor_name: 'NbacPlayerBoxscoreProcessor', output_table: 'nbac_player_boxscores' });
    // no trigger message id given: the key is dropped, not null
    expect(props).not.toHaveProperty('trigger_message_id');
  });

  it('phase 3: the async class name of the upcoming player context, trigger "manual", Python floats in metadata', () => {
    const message = buildCompletionMessage({
      phase: 3,
      spec: spec(3, 'upcoming_player_game_context'),
      asyncClassName: true,
      executionId: 'e07b5f32',
      gameDate: '2026-01-15',
      status: 'success',
      recordCount: 312,
      durationSeconds: 19,
      now: new Date('2026-01-15T15:04:51.227Z'),
    });
    expect(pythonJsonDumps(message)).toBe(
      '{"processor_name": "AsyncUpcomingPlayerGameContextProcessor", "phase": "phase_3_analytics", ' +
        '"execution_id": "e07b5f32", "correlation_id": "e07b5f32", "game_date": "2026-01-15", ' +
        '"output_table": "upcoming_player_game_context", "output_dataset": "nba_analytics", "status": "success", ' +
        '"record_count": 312, "records_failed": 0, "timestamp": "2026-01-15T15:04:51.227000+00:00", ' +
        '"duration_seconds": 19.0, "trigger_source": "manual", "metadata": {"is_incremental": false, ' +
        '"entities_changed_count": null, "entities_total": null, "efficiency_gain_pct": null, ' +
        '"change_detection_time": null, "entities_changed": [], "extract_time": 5.7, "transform_time": 3.8, ' +
        '"save_time": 9.5}}',
    );
  });

  it('phase 3 failure: zero duration, error_type "str", null timings kept inside metadata', () => {
    const message = buildCompletionMessage({
      phase: 3,
      spec: spec(3, 'team_defense_game_summary'),
      executionId: '1a2b3c4d',
      gameDate: '2026-01-15',
      status: 'failed',
      recordCount: 0,
      durationSeconds: 7.5,
      errorMessage: 'No data extracted for 2026-01-15',
      now: new Date('2026-01-16T09:14:30.100Z'),
    });
    expect(pythonJsonDumps(message)).toBe(
      '{"processor_name": "TeamDefenseGameSummaryProcessor", "phase": "phase_3_analytics", "execution_id": "1a2b3c4d", ' +
        '"correlation_id": "1a2b3c4d", "game_date": "2026-01-15", "output_table": "team_defense_game_summary", ' +
        '"output_dataset": "nba_analytics", "status": "failed", "record_count": 0, "records_failed": 0, ' +
        '"timestamp": "2026-01-16T09:14:30.100000+00:00", "duration_seconds": 0, "trigger_source": "manual", ' +
        '"error_message": "No data extracted for 2026-01-15", "error_type": "str", "metadata": {"is_incremental": false, ' +
        '"entities_changed_count": null, "entities_total": null, "efficiency_gain_pct": null, ' +
        '"change_detection_time": null, "entities_changed": [], "extract_time": null, "transform_time": null, ' +
        '"save_time": null}}',
    );
  });

  it('phase 4: the feature store under nba_predictions, runtime and rows in metadata', () => {
    const message = buildCompletionMessage({
      phase: 4,
      spec: spec(4, 'ml_feature_store'),
      executionId: '5e6f7a8b',
      gameDate: '2026-01-15',
      status: 'success',
      recordCount: 298,
      durationSeconds: 187.43,
      now: new Date('2026-01-15T12:03:40.881Z'),
    });
    expect(pythonJsonDumps(message)).toBe(
      '{"processor_name": "MLFeatureStoreProcessor", "phase": "phase_4_precompute", "execution_id": "5e6f7a8b", ' +
        '"correlation_id": "5e6f7a8b", "game_date": "2026-01-15", "output_table": "ml_feature_store_v2", ' +
        '"output_dataset": "nba_predictions", "status": "success", "record_count": 298, "records_failed": 0, ' +
        '"timestamp": "2026-01-15T12:03:40.881000+00:00", "duration_seconds": 187.43, "trigger_source": "manual", ' +
        '"metadata": {"total_runtime": 187.43, "rows_processed": 298, "rows_skipped": 0}}',
    );
    const cache = buildCompletionMessage({
      phase: 4,
      spec: spec(4, 'player_daily_cache'),
      executionId: '5e6f7a8c',
      gameDate: '2026-01-15',
      status: 'success',
      recordCount: 5,
      durationSeconds: 3,
      now: new Date('2026-01-15T12:03:40Z'),
    });
    expect(cache.output_dataset).toBe('nba_precompute');
  });

  it('phase 5: the batch id as execution_id, trigger "automatic", completion_pct at full precision', () => {
    const batchId = 'batch_2026-01-15_1768482001';
    const message = buildCompletionMessage({
      phase: 5,
      spec: spec(5, 'prediction_coordinator'),
      executionId: batchId,
      correlationId: '8c1f2d3e',
      gameDate: '2026-01-15',
      status: 'success',
      recordCount: 144,
      durationSeconds: 386.512,
      triggerSource: 'automatic',
      metadata: {
        batch_id: batchId,
        expected_players: 146,
        completed_players: 144,
        completed_predictions: 144,
        total_predictions: 1152,
        completion_pct: pyFloat(98.63013698630137),
      },
      now: new Date('2026-01-15T13:07:55.310Z'),
    });
    expect(pythonJsonDumps(message)).toBe(
      '{"processor_name": "PredictionCoordinator", "phase": "phase_5_predictions", ' +
        '"execution_id": "batch_2026-01-15_1768482001", "correlation_id": "8c1f2d3e", "game_date": "2026-01-15", ' +
        '"output_table": "player_prop_predictions", "output_dataset": "nba_predictions", "status": "success", ' +
        '"record_count": 144, "records_failed": 0, "timestamp": "2026-01-15T13:07:55.310000+00:00", ' +
        '"duration_seconds": 386.512, "trigger_source": "automatic", "metadata": {"batch_id": ' +
        '"batch_2026-01-15_1768482001", "expected_players": 146, "completed_players": 144, ' +
        '"completed_predictions": 144, "total_predictions": 1152, "completion_pct": 98.63013698630137}}',
    );
  });

  it('metadata is present even when empty, and no top-level value is ever null', () => {
    const message = buildCompletionMessage({
      phase: 5,
      spec: spec(5, 'prediction_coordinator'),
      executionId: 'batch_x',
      gameDate: '2026-01-15',
      status: 'success',
      recordCount: 0,
      durationSeconds: 1,
      now: new Date('2026-01-15T13:00:00Z'),
    });
    expect(message.metadata).toEqual({});
    expect(pythonJsonDumps(message)).toContain('"metadata": {}');
    for (const value of Object.values(message)) expect(value).not.toBeNull();
    expect(message).not.toHaveProperty('parent_processor');
  });
});

describe("Gameday reads each phase's real names as its own processors", () => {
  const at = new Date('2026-01-15T15:00:00Z');
  const read = (phase: 1 | 2 | 3 | 4 | 5, message: Record<string, unknown>) =>
    interpretMessage(
      plain(message),
      { subscription: `projects/p/subscriptions/${config.topics[phase]}-gameday` },
      catalog,
    );
  const base = {
    executionId: 'abcd1234',
    gameDate: '2026-01-15',
    status: 'success' as const,
    recordCount: 5,
    durationSeconds: 2,
    now: at,
  };

  it.each([
    { phase: 1 as const, processor: SCRAPERS.props, published: 'oddsa_current_event_odds' },
    { phase: 2 as const, processor: RAW_PROCESSORS.props, published: 'OddsApiPropsBatchProcessor' },
    { phase: 2 as const, processor: RAW_PROCESSORS.playerBox, published: 'NbacPlayerBoxscoreProcessor' },
    { phase: 2 as const, processor: RAW_PROCESSORS.gamebook, published: 'NbacGamebookProcessor' },
    {
      phase: 3 as const,
      processor: spec(3, 'upcoming_player_game_context'),
      published: 'AsyncUpcomingPlayerGameContextProcessor',
    },
    { phase: 4 as const, processor: spec(4, 'ml_feature_store'), published: 'MLFeatureStoreProcessor' },
  ])('phase $phase publishes $published, which Gameday counts for its processor', ({ phase, processor, published }) => {
    const message = buildCompletionMessage({ ...base, phase, spec: processor, asyncClassName: phase === 3 });
    expect(message.processor_name).toBe(published);
    expect(read(phase, message)).toMatchObject({ kind: 'completion', phase, processor: processor.name, counts: true });
  });

  it('a phase-3 run without an end date says "None", which Gameday acknowledges as unusable', () => {
    const message = buildCompletionMessage({
      ...base,
      phase: 3,
      spec: spec(3, 'upcoming_team_game_context'),
      gameDate: 'None',
    });
    expect(message.game_date).toBe('None');
    expect(read(3, message)).toMatchObject({ kind: 'unusable', code: 'bad_date' });
  });

  it('the untracked injury report is read as an untracked processor, not an error', () => {
    const message = untrackedMessage({
      phase: 1,
      ...SCRAPERS.injury,
      gameDate: '2026-01-15',
      executionId: 'e1',
      now: at,
    });
    expect(message.processor_name).toBe('nbac_injury_report');
    expect(read(1, message)).toMatchObject({ kind: 'ignored', code: 'untracked_processor' });
  });
});
