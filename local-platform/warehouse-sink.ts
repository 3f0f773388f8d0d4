import type { MessageStatus } from '../domain/messages';
import type { ScheduledGame } from './schedule';

/** A processor run that wrote rows: what the optional warehouse sink is told before the completion is published. */
export interface SinkRun {
  phase: 1 | 2 | 3 | 4 | 5;
  processor: string;
  outputTable: string;
  gameDate: string;
  status: MessageStatus;
  /** Rows the run wrote (its completion's record_count). */
  recordCount: number;
  /** The date's slate, as GET /schedule answers it. */
  games: ScheduledGame[];
}

/**
 * Optional: where the local platform writes the rows its processors "produce" (e.g. BigQuery in an
 * emulator, see warehouse/seed.ts bigQuerySink). A failed write is logged; the run carries on.
 */
export interface WarehouseSink {
  processorRan(run: SinkRun): Promise<void>;
  /** The schedule scraper saw the date's games (statuses change as games finish): new nbac_schedule rows. */
  scheduleScraped(gameDate: string, games: ScheduledGame[]): Promise<void>;
}
