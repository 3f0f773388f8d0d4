/**
 * The trigger benchmark's warehouse: the BigQuery emulator (the pinned PyPI package the local stack runs) with every
 * sampled date's schedule and phase-3 rows, so the gate before phase 4 runs its real queries and passes.
 */
import type { BigQuery } from '@google-cloud/bigquery';
import type { GamedayConfig } from '../../config/schema';
import { addDays } from '../../domain/dates';
import { gamesFor } from '../../local-platform/schedule';
import { applyWarehouse } from '../../warehouse/apply';
import { createBigQueryClient } from '../../warehouse/client';
import { emulatorUnavailableReason, startBigQueryEmulator, type BigQueryEmulator } from '../../warehouse/emulator';
import { scheduleRows, tableRows } from '../../warehouse/rows';
import { insertRows } from '../../warehouse/seed';

/** Games on every sampled date: a mid-size slate, so the gate's minimum rows are scaled as on most nights. */
export const GAMES_PER_DATE = 7;

export interface BenchWarehouse {
  /** The config's `warehouse` part pointing at the emulator. */
  settings: Pick<GamedayConfig['warehouse'], 'enabled' | 'apiEndpoint' | 'projectId'>;
  /** Creates the datasets and tables, then writes each date's final schedule and phase-3 rows; returns the rows. */
  seed(config: GamedayConfig, dates: readonly string[]): Promise<number>;
  stop(): Promise<void>;
}

/** The emulator running, or why it cannot run here (the benchmark then says its gate ran without a query). */
export async function startBenchWarehouse(): Promise<BenchWarehouse | { off: string }> {
  const unavailable = emulatorUnavailableReason();
  if (unavailable) return { off: unavailable };
  const emulator: BigQueryEmulator = await startBigQueryEmulator();
  return {
    settings: { enabled: true, apiEndpoint: emulator.apiEndpoint, projectId: emulator.projectId },
    async seed(config, dates) {
      const bq: BigQuery = createBigQueryClient(config.warehouse);
      await applyWarehouse(bq, config, { platformTables: true });
      // Each date's games, final by the morning after: the overnight cycle's data as phase 3 left it.
      const slates = dates.map((date) => {
        const final = new Date(`${addDays(date, 1)}T15:00:00Z`);
        return {
          date,
          final,
          games: gamesFor(date, { name: 'bench', gamesByDate: { [date]: GAMES_PER_DATE } }, final),
        };
      });
      let rows = 0;
      const schedule = slates.flatMap((s) => scheduleRows(s.date, s.games, s.final));
      await insertRows(bq, config, 'nbac_schedule', schedule);
      rows += schedule.length;
      for (const table of config.processors[3].map((p) => p.outputTable)) {
        const tableRowsOfAll = slates.flatMap((s) => tableRows(table, s.date, s.games, { processedAt: s.final }) ?? []);
        await insertRows(bq, config, table, tableRowsOfAll);
        rows += tableRowsOfAll.length;
      }
      return rows;
    },
    stop: () => emulator.stop(),
  };
}
