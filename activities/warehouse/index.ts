import { ApplicationFailure } from '@temporalio/activity';
import type { BigQuery } from '@google-cloud/bigquery';
import type { GamedayConfig } from '../../config/schema';
import { createBigQueryClient } from '../../warehouse/client';
import { writeExecutionEvents, type ExecutionLogEvent } from './execution-log';
import { evaluateGate, type DataGateRequest, type DataGateResult } from './gates';
import { predictionSummary, scheduledGames, type PredictionSummary } from './queries';

export type { ExecutionLogEvent } from './execution-log';
export type { DataGateRequest, DataGateResult } from './gates';
export type { PredictionSummary } from './queries';

/**
 * The warehouse activities. With `warehouse.enabled` false they touch nothing: gates report `enabled: false`
 * and the execution log is not written (the platform's /schedule still counts games).
 */
export function warehouseActivities(config: GamedayConfig, client?: BigQuery) {
  let bq = client;
  const deps = () => {
    bq ??= createBigQueryClient(config.warehouse);
    return { config, bq };
  };
  const enabled = config.warehouse.enabled;
  // In the day's time: the workflow's clock turns it into a real wait.
  const recheckAfterMs = config.warehouse.gates.recheckMinutes * 60_000;
  return {
    /** Games on the date from the deduplicated nba_raw.nbac_schedule (postponed and cancelled left out). */
    async countScheduledGames(gameDate: string): Promise<number> {
      if (!enabled) throw ApplicationFailure.nonRetryable('the warehouse is not enabled', 'InvalidInput');
      return (await scheduledGames(deps(), gameDate)).length;
    },

    /** Games of the date and how many are Final, deduplicated per game (the legacy counted repeated rows). */
    async countFinalGames(gameDate: string): Promise<{ total: number; final: number }> {
      if (!enabled) throw ApplicationFailure.nonRetryable('the warehouse is not enabled', 'InvalidInput');
      const games = await scheduledGames(deps(), gameDate);
      return { total: games.length, final: games.filter((g) => Number(g.game_status) === 3).length };
    },

    async checkDataGate(request: DataGateRequest): Promise<DataGateResult> {
      if (!enabled) {
        return { ...request, enabled: false, passed: true, checks: [], recheckAfterMs };
      }
      return evaluateGate(deps(), request);
    },

    async getPredictionSummary(gameDate: string): Promise<PredictionSummary> {
      if (!enabled) throw ApplicationFailure.nonRetryable('the warehouse is not enabled', 'InvalidInput');
      return predictionSummary(deps(), gameDate);
    },

    /** Idempotent: returns how many of the events were new rows. */
    async writeExecutionLog(events: ExecutionLogEvent[]): Promise<number> {
      if (!enabled || events.length === 0) return 0;
      return writeExecutionEvents(deps(), events);
    },
  };
}

export type WarehouseActivities = ReturnType<typeof warehouseActivities>;
