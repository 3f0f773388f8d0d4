/** The prediction coordinator's batches, as data. */
import type { Scenario } from './scenario';

export type BatchState = 'in_progress' | 'complete' | 'superseded';

export interface Batch {
  batchId: string;
  gameDate: string;
  runMode: string;
  correlationId: string;
  triggerSource: string;
  startedAtMs: number;
  durationMs: number;
  expectedPlayers: number;
  finalPct: number;
  completes: boolean;
  state: BatchState;
  completedAtMs?: number;
}

export interface BatchProgress {
  expected_players: number;
  completed_players: number;
  completion_pct: number;
}

/** What the routes and the grading function use of the coordinator's batches (local-platform/batches.ts). */
export interface CoordinatorBatches {
  resetFaults(): void;
  get(batchId: string): Batch | undefined;
  runningFor(gameDate: string): Batch | undefined;
  active(): Batch | undefined;
  /** The batch started last: the one the coordinator's instance still holds in memory. */
  newest(): Batch | undefined;
  predictedPlayers(gameDate: string): number;
  eligible(gameDate: string, games: number, runMode: string, scenario: Scenario): { total: number; newly: number };
  start(opts: {
    gameDate: string;
    runMode: string;
    players: number;
    correlationId?: string;
    triggerSource: string;
    scenario: Scenario;
  }): Batch;
  supersede(batch: Batch): void;
  progress(batch: Batch): BatchProgress;
}
