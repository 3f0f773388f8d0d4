/**
 * Every BigQuery table Gameday reads or writes. The platform's tables (read by gates and the status view)
 * are created only against an emulator; `processor_execution_log` and the view are Gameday's own.
 */
import type { TableField } from '@google-cloud/bigquery';
import type { WarehouseConfig } from './client';

export type DatasetKey = keyof WarehouseConfig['datasets'];

export interface TableDef {
  dataset: DatasetKey;
  name: string;
  /** Who owns it: `gameday` tables are created and migrated by warehouse-apply; `platform` ones only in emulators. */
  owner: 'gameday' | 'platform';
  /** The column that holds the row's game date, for per-date counts. */
  dateColumn: string;
  fields: TableField[];
  /** DAY partitioning on this column (a DATE, or a TIMESTAMP truncated to its day). */
  partitionBy: string;
  clusterBy?: string[];
  description: string;
}

const s = (name: string, mode: 'NULLABLE' | 'REQUIRED' = 'NULLABLE'): TableField => ({ name, type: 'STRING', mode });
const d = (name: string, mode: 'NULLABLE' | 'REQUIRED' = 'NULLABLE'): TableField => ({ name, type: 'DATE', mode });
const i = (name: string): TableField => ({ name, type: 'INT64', mode: 'NULLABLE' });
const f = (name: string): TableField => ({ name, type: 'FLOAT64', mode: 'NULLABLE' });
const ts = (name: string, mode: 'NULLABLE' | 'REQUIRED' = 'NULLABLE'): TableField => ({
  name,
  type: 'TIMESTAMP',
  mode,
});

const platform = (dataset: DatasetKey, name: string, fields: TableField[], dateColumn = 'game_date'): TableDef => ({
  dataset,
  name,
  owner: 'platform',
  dateColumn,
  fields: [d(dateColumn, 'REQUIRED'), ...fields, ts('processed_at')],
  partitionBy: dateColumn,
  description: `platform table ${name} (emulator copy)`,
});

export const EXECUTION_LOG_TABLE = 'processor_execution_log';
export const STATUS_VIEW = 'daily_phase_status';

export const TABLES: TableDef[] = [
  platform('raw', 'nbac_schedule', [
    s('game_id', 'REQUIRED'),
    i('game_status'),
    s('game_status_text'),
    s('home_team_tricode'),
    s('away_team_tricode'),
  ]),
  platform('raw', 'bdl_player_boxscores', [s('game_id'), s('player_lookup'), s('team_abbr'), i('points')]),
  platform('analytics', 'player_game_summary', [
    s('game_id'),
    s('player_lookup'),
    s('team_abbr'),
    f('minutes_played'),
    i('points'),
  ]),
  platform('analytics', 'team_defense_game_summary', [
    s('game_id'),
    s('defending_team_abbr'),
    s('opponent_team_abbr'),
    i('points_allowed'),
  ]),
  platform('analytics', 'team_offense_game_summary', [s('game_id'), s('team_abbr'), i('points_scored')]),
  platform('analytics', 'upcoming_player_game_context', [
    s('game_id'),
    s('player_lookup'),
    s('team_abbr'),
    s('opponent_team_abbr'),
  ]),
  platform('analytics', 'upcoming_team_game_context', [s('game_id'), s('team_abbr'), s('opponent_team_abbr')]),
  platform('precompute', 'team_defense_zone_analysis', [s('team_abbr'), f('paint_pct_allowed')], 'analysis_date'),
  platform('precompute', 'player_shot_zone_analysis', [s('player_lookup'), f('paint_rate')], 'analysis_date'),
  platform('precompute', 'player_daily_cache', [s('player_lookup'), f('points_avg_last_10')], 'cache_date'),
  platform('precompute', 'player_composite_factors', [
    s('player_lookup'),
    s('game_id'),
    f('total_composite_adjustment'),
  ]),
  platform('predictions', 'ml_feature_store_v2', [
    s('player_lookup', 'REQUIRED'),
    s('game_id'),
    f('feature_quality_score'),
    i('required_default_count'),
    i('default_feature_count'),
  ]),
  platform('predictions', 'player_prop_predictions', [
    s('player_lookup', 'REQUIRED'),
    s('game_id'),
    f('predicted_points'),
    { name: 'is_active', type: 'BOOL', mode: 'NULLABLE' },
    ts('created_at'),
  ]),
  {
    dataset: 'orchestration',
    name: EXECUTION_LOG_TABLE,
    owner: 'gameday',
    dateColumn: 'data_date',
    fields: [
      s('execution_id', 'REQUIRED'),
      s('processor_name', 'REQUIRED'),
      s('phase', 'REQUIRED'),
      ts('triggered_at', 'REQUIRED'),
      ts('completed_at'),
      s('status', 'REQUIRED'),
      d('data_date'),
      s('trigger_source'),
      s('pubsub_message_id'),
      s('correlation_id'),
      i('records_processed'),
      s('error_message'),
      ts('processed_at'),
    ],
    partitionBy: 'triggered_at',
    clusterBy: ['processor_name', 'status'],
    description: 'Every trigger, completion, gate result, force and alert of a Gameday pipeline (one row per event).',
  },
];

export function tableDef(name: string): TableDef {
  const def = TABLES.find((t) => t.name === name);
  if (!def) throw new Error(`no table definition for ${name}`);
  return def;
}
