import { loadConfig } from '../../config/load';
import type { GamedayConfig } from '../../config/schema';
import type { PipelineActivities, AlertRequest } from '../../activities';
import { settingsActivities } from '../../activities/settings';
import type { CompletionMessage } from '../../domain/completion-message';

/** Test doubles for the activities that reach the platform; settings come from the real config code. */
export interface FakePlatform {
  activities: PipelineActivities;
  calls: { name: string; args: unknown[] }[];
  alerts: AlertRequest[];
  config: GamedayConfig;
}

export function fakePlatform(
  overrides: Partial<PipelineActivities> = {},
  config: GamedayConfig = loadConfig({}),
): FakePlatform {
  const calls: FakePlatform['calls'] = [];
  const alerts: AlertRequest[] = [];
  const record =
    <A extends unknown[], R>(name: string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      calls.push({ name, args });
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
  };
  const merged = { ...base, ...overrides } as PipelineActivities;
  const activities = Object.fromEntries(
    Object.entries(merged).map(([name, fn]) => [name, record(name, fn as (...args: unknown[]) => Promise<unknown>)]),
  ) as unknown as PipelineActivities;
  return { activities, calls, alerts, config };
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
