import { loadConfig } from '../../config/load';
import type { GamedayConfig } from '../../config/schema';
import type { PipelineActivities, AlertRequest, ExecutionLogEvent } from '../../activities';
import { settingsActivities } from '../../activities/settings';
import type { CompletionMessage } from '../../domain/completion-message';

/** Test doubles for the activities that reach the platform; settings come from the real config code. */
export interface FakePlatform {
  activities: PipelineActivities;
  calls: { name: string; args: unknown[] }[];
  alerts: AlertRequest[];
  /** Rows the workflow wrote to the execution log (kept out of `calls`: they are bookkeeping, not pipeline calls). */
  executionLog: ExecutionLogEvent[];
  config: GamedayConfig;
}

export function fakePlatform(
  overrides: Partial<PipelineActivities> = {},
  config: GamedayConfig = loadConfig({}),
): FakePlatform {
  const calls: FakePlatform['calls'] = [];
  const alerts: AlertRequest[] = [];
  const executionLog: ExecutionLogEvent[] = [];
  const record =
    <A extends unknown[], R>(name: string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (name === 'writeExecutionLog') executionLog.push(...(args[0] as ExecutionLogEvent[]));
      else calls.push({ name, args });
      return fn(...args);
    };
  const base: PipelineActivities = {
    ...settingsActivities(config),
    countScheduledGames: async () => 11,
    triggerAnalytics: async () => ({ status: 'started' }),
    runPrecomputeProcessor: async (request) => ({ processor: request.className, status: 'success', recordCount: 300 }),
    startPredictionBatch: async () => ({ outcome: 'started', batchId: 'batch-1' }),
    getPredictionBatchStatus: async () => ({ status: 'complete', completionPct: 100 }),
    publishExportTrigger: async () => ({ messageId: 'msg-1' }),
    raiseAlert: async (alert) => {
      alerts.push(alert);
    },
    // The warehouse is off by default: gates open, nothing logged.
    checkDataGate: async (request) => ({
      ...request,
      enabled: false,
      passed: true,
      checks: [],
      recheckAfterMs: 300_000,
    }),
    getPredictionSummary: async (gameDate) => ({
      gameDate,
      activePredictions: 0,
      produced: false,
      avgFeatureQuality: null,
    }),
    writeExecutionLog: async (events) => events.length,
  };
  const merged = { ...base, ...overrides } as PipelineActivities;
  const activities = Object.fromEntries(
    Object.entries(merged).map(([name, fn]) => [name, record(name, fn as (...args: unknown[]) => Promise<unknown>)]),
  ) as unknown as PipelineActivities;
  return { activities, calls, alerts, executionLog, config };
}

let sequence = 0;

/** A completion message as the platform publishes it. */
export function completion(
  gameDate: string,
  processorName: string,
  fields: Partial<CompletionMessage> = {},
): CompletionMessage {
  sequence += 1;
  return {
    processor_name: processorName,
    phase: 'phase_3_analytics',
    execution_id: `exec-${sequence}`,
    correlation_id: 'test',
    game_date: gameDate,
    status: 'success',
    record_count: 120,
    timestamp: new Date().toISOString(),
    ...fields,
  };
}
