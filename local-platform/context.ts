import type { GamedayConfig } from '../config/schema';
import type { CoordinatorBatches } from './batch-types';
import type { EventLog } from './events';
import type { IdempotencyStore } from './idempotency';
import type { FaultCounters } from './faults';
import type { Publisher } from './publisher';
import type { Scenario } from './scenario';
import type { Timers } from './timers';
import type { WarehouseSink } from './warehouse-sink';

/** Everything a route needs; one per running local platform. */
export interface PlatformContext {
  config: GamedayConfig;
  /** The current scenario (it can change while running: read it per call). */
  scenario(): Scenario;
  /** The day's time (the local stack's virtual clock; the wall clock without one). */
  now(): Date;
  events: EventLog;
  publisher: Publisher;
  idempotency: IdempotencyStore;
  faults: FaultCounters;
  timers: Timers;
  batches: CoordinatorBatches;
  /** `phase:processor:date` of runs that succeeded, for `dedupeReruns`. */
  completedRuns: Set<string>;
  /** Starts the platform's own day for a date (scrapers, raw processors, phase 3 by subscription), once. */
  simulateDay(gameDate: string): void;
  log(line: string): void;
  /** Optional: where processor runs write their rows (e.g. BigQuery in an emulator). */
  warehouse?: WarehouseSink;
}
