/** Seeding the platform's tables (emulator only) and the local platform's BigQuery sink. */
import type { BigQuery } from '@google-cloud/bigquery';
import type { GamedayConfig } from '../config/schema';
import type { WarehouseSink } from '../local-platform/warehouse-sink';
import { gamesFor, type ScheduledGame } from '../local-platform/schedule';
import { dateParam, runQuery, tableRef } from './client';
import { scheduleRows, tableRows, type Row, type RowOptions } from './rows';
import { tableDef, TABLES } from './tables';

const INSERT_CHUNK = 500;

export async function insertRows(bq: BigQuery, config: GamedayConfig, table: string, rows: Row[]): Promise<void> {
  const def = tableDef(table);
  const target = bq.dataset(config.warehouse.datasets[def.dataset]).table(def.name);
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) await target.insert(rows.slice(i, i + INSERT_CHUNK));
}

/** Removes a date's rows from every platform table (so seeding a date twice gives the same data). */
export async function clearDate(bq: BigQuery, config: GamedayConfig, gameDate: string): Promise<void> {
  for (const def of TABLES.filter((t) => t.owner === 'platform')) {
    const table = tableRef(config.warehouse, def.dataset, def.name);
    await runQuery(bq, `DELETE FROM ${table} WHERE ${def.dateColumn} = @game_date`, {
      game_date: dateParam(gameDate),
    });
  }
}

/**
 * Writes a date: per table, `true` for the usual rows, RowOptions to shape them (e.g. `{count: 40}` for
 * short data), absent for none. The schedule gets a stale "scheduled" copy of every game too (rows repeat).
 */
export async function seedDate(
  bq: BigQuery,
  config: GamedayConfig,
  gameDate: string,
  games: ScheduledGame[],
  tables: Record<string, RowOptions | true>,
): Promise<void> {
  await clearDate(bq, config, gameDate);
  for (const [table, options] of Object.entries(tables)) {
    const opts = options === true ? {} : options;
    if (table === 'nbac_schedule') {
      const stale = games.map((g) => ({ ...g, game_status: 1 as const, game_status_text: '7:00 pm ET' }));
      await insertRows(
        bq,
        config,
        table,
        tableRows(table, gameDate, stale, {
          processedAt: new Date(Date.parse(`${gameDate}T12:00:00Z`) - 86_400_000),
        }) ?? [],
      );
    }
    const rows = tableRows(table, gameDate, games, opts);
    if (!rows) throw new Error(`cannot seed ${table}: no row model for it`);
    if (rows.length) await insertRows(bq, config, table, rows);
  }
}

/** The demo: 2025-12-29 has its 11 scheduled games (the pipeline writes the rest); 2025-12-28 is a complete day (a full 15-game slate). */
export async function seedDemoDates(bq: BigQuery, config: GamedayConfig, now: Date = new Date()): Promise<void> {
  const demo = '2025-12-29';
  await seedDate(bq, config, demo, gamesFor(demo, { name: 'seed' }, now), { nbac_schedule: true });
  const complete = '2025-12-28';
  const games = gamesFor(complete, { name: 'seed', gamesByDate: { [complete]: 15 } }, now);
  await seedDate(
    bq,
    config,
    complete,
    games,
    Object.fromEntries(TABLES.filter((t) => t.owner === 'platform').map((t) => [t.name, true])),
  );
}

/** The local platform's optional sink: each processor run writes its rows (as many as its record_count). */
export function bigQuerySink(bq: BigQuery, config: GamedayConfig, now: () => Date = () => new Date()): WarehouseSink {
  return {
    async processorRan(run) {
      const rows = tableRows(run.outputTable, run.gameDate, run.games, { count: run.recordCount });
      if (rows?.length) await insertRows(bq, config, run.outputTable, rows);
    },
    async scheduleScraped(gameDate, games) {
      if (games.length) await insertRows(bq, config, 'nbac_schedule', scheduleRows(gameDate, games, now()));
    },
  };
}

/**
 * The schedule of many dates at once, from the local platform's one schedule source (statuses as of `now`, the
 * day's time): so any date a user runs against the local stack has its games in nba_raw.nbac_schedule.
 */
export async function seedSchedule(
  bq: BigQuery,
  config: GamedayConfig,
  dates: readonly string[],
  now: Date,
): Promise<number> {
  const rows = dates.flatMap((date) => scheduleRows(date, gamesFor(date, { name: 'seed' }, now), now));
  await insertRows(bq, config, 'nbac_schedule', rows);
  return rows.length;
}
