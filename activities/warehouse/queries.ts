/** The warehouse reads behind the schedule, the data gates and the prediction summary. */
import type { BigQuery } from '@google-cloud/bigquery';
import type { GamedayConfig } from '../../config/schema';
import { dateParam, runQuery, tableRef, type WarehouseConfig } from '../../warehouse/client';
import { tableDef } from '../../warehouse/tables';

export interface WarehouseDeps {
  config: GamedayConfig;
  bq: BigQuery;
}

export interface ScheduledGameRow {
  game_id: string;
  home_team_tricode: string;
  away_team_tricode: string;
  game_status: number;
  game_status_text: string;
}

/** Not played and never will be on this date. */
export const EXCLUDED_STATUS_SQL = `(LOWER(IFNULL(game_status_text, '')) LIKE '%postpon%'
    OR LOWER(IFNULL(game_status_text, '')) LIKE '%cancel%'
    OR LOWER(IFNULL(game_status_text, '')) = 'ppd')`;

/**
 * The date's games from `nba_raw.nbac_schedule`: one row per (game_id, game_date), the one with the highest
 * status and then the latest processed_at; postponed and cancelled games left out.
 */
export async function scheduledGames({ config, bq }: WarehouseDeps, gameDate: string): Promise<ScheduledGameRow[]> {
  const { rows } = await runQuery<ScheduledGameRow>(
    bq,
    `SELECT game_id, home_team_tricode, away_team_tricode, game_status, game_status_text
     FROM (
       SELECT *, ROW_NUMBER() OVER (
         PARTITION BY game_id, game_date ORDER BY game_status DESC, processed_at DESC) AS row_rank
       FROM ${tableRef(config.warehouse, 'raw', 'nbac_schedule')}
       WHERE game_date = @game_date
     )
     WHERE row_rank = 1 AND NOT ${EXCLUDED_STATUS_SQL}
     ORDER BY game_id`,
    { game_date: dateParam(gameDate) },
  );
  return rows;
}

function ref(warehouse: WarehouseConfig, table: string): { from: string; dateColumn: string } {
  const def = tableDef(table);
  return { from: tableRef(warehouse, def.dataset, def.name), dateColumn: def.dateColumn };
}

/** Rows per table for the date, in one query. */
export async function rowCounts(
  { config, bq }: WarehouseDeps,
  tables: readonly string[],
  gameDate: string,
): Promise<Record<string, number>> {
  if (tables.length === 0) return {};
  const parts = tables.map((table, i) => {
    const { from, dateColumn } = ref(config.warehouse, table);
    return `SELECT ${i} AS idx, COUNT(*) AS n FROM ${from} WHERE ${dateColumn} = @game_date`;
  });
  const { rows } = await runQuery<{ idx: number; n: number }>(bq, parts.join('\nUNION ALL\n'), {
    game_date: dateParam(gameDate),
  });
  const counts: Record<string, number> = Object.fromEntries(tables.map((t) => [t, 0]));
  for (const row of rows) counts[tables[Number(row.idx)]] = Number(row.n);
  return counts;
}

/** Distinct analytics game ids (`YYYYMMDD_AWAY_HOME`) for the date. */
export async function analyticsGameIds({ config, bq }: WarehouseDeps, gameDate: string): Promise<string[]> {
  const { from, dateColumn } = ref(config.warehouse, 'player_game_summary');
  const { rows } = await runQuery<{ game_id: string }>(
    bq,
    `SELECT DISTINCT game_id FROM ${from} WHERE ${dateColumn} = @game_date AND game_id IS NOT NULL`,
    { game_date: dateParam(gameDate) },
  );
  return rows.map((r) => r.game_id);
}

export interface FeatureRowStats {
  /** Distinct players with a feature row. */
  featurePlayers: number;
  /** Distinct players with a feature row and no defaulted feature. */
  cleanPlayers: number;
  /** Distinct players in upcoming_player_game_context: the day's players. */
  contextPlayers: number;
}

export async function featureRowStats({ config, bq }: WarehouseDeps, gameDate: string): Promise<FeatureRowStats> {
  const features = ref(config.warehouse, 'ml_feature_store_v2');
  const context = ref(config.warehouse, 'upcoming_player_game_context');
  const { rows } = await runQuery<{ feature_players: number; clean_players: number }>(
    bq,
    `SELECT
       COUNT(DISTINCT player_lookup) AS feature_players,
       COUNT(DISTINCT IF(COALESCE(required_default_count, default_feature_count, 0) = 0, player_lookup, NULL))
         AS clean_players
     FROM ${features.from} WHERE ${features.dateColumn} = @game_date`,
    { game_date: dateParam(gameDate) },
  );
  const { rows: ctx } = await runQuery<{ n: number }>(
    bq,
    `SELECT COUNT(DISTINCT player_lookup) AS n FROM ${context.from} WHERE ${context.dateColumn} = @game_date`,
    { game_date: dateParam(gameDate) },
  );
  const row = rows[0];
  return {
    featurePlayers: Number(row?.feature_players ?? 0),
    cleanPlayers: Number(row?.clean_players ?? 0),
    contextPlayers: Number(ctx[0]?.n ?? 0),
  };
}

/** Active rows in `player_prop_predictions` for the date: what "predictions done" counts (PLATFORM.md: >= 10). */
export async function activePredictionCount({ config, bq }: WarehouseDeps, gameDate: string): Promise<number> {
  const predictions = ref(config.warehouse, 'player_prop_predictions');
  const { rows } = await runQuery<{ n: number }>(
    bq,
    `SELECT COUNTIF(is_active) AS n FROM ${predictions.from} WHERE ${predictions.dateColumn} = @game_date`,
    { game_date: dateParam(gameDate) },
  );
  return Number(rows[0]?.n ?? 0);
}

/** Average feature_quality_score (0-100, one decimal) of the date's feature rows; null without rows. */
export async function averageFeatureQuality({ config, bq }: WarehouseDeps, gameDate: string): Promise<number | null> {
  const features = ref(config.warehouse, 'ml_feature_store_v2');
  const { rows } = await runQuery<{ avg_quality: number | null }>(
    bq,
    `SELECT AVG(feature_quality_score) AS avg_quality FROM ${features.from} WHERE ${features.dateColumn} = @game_date`,
    { game_date: dateParam(gameDate) },
  );
  const avg = rows[0]?.avg_quality;
  return avg === null || avg === undefined ? null : Math.round(Number(avg) * 10) / 10;
}

export interface PredictionSummary {
  gameDate: string;
  activePredictions: number;
  /** At least `predictions.minActivePredictions` active rows. */
  produced: boolean;
  /** Average feature_quality_score of the date's feature rows (0-100), null without rows. */
  avgFeatureQuality: number | null;
}

export async function predictionSummary(deps: WarehouseDeps, gameDate: string): Promise<PredictionSummary> {
  const active = await activePredictionCount(deps, gameDate);
  return {
    gameDate,
    activePredictions: active,
    produced: active >= deps.config.predictions.minActivePredictions,
    avgFeatureQuality: await averageFeatureQuality(deps, gameDate),
  };
}
