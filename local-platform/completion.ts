import type { CompletionMessage, CompletionStatus } from '../domain/completion-message';
import type { MessagePhase } from '../domain/phases';
import type { ProcessorSpec } from '../domain/processors';

export type ProcessorPhase = 1 | 2 | 3 | 4 | 5;

export const MESSAGE_PHASE: Record<ProcessorPhase, MessagePhase> = {
  1: 'phase_1_scrapers',
  2: 'phase_2_raw',
  3: 'phase_3_analytics',
  4: 'phase_4_precompute',
  5: 'phase_5_predictions',
};

/** The BigQuery dataset a processor writes; scrapers write files to GCS, so they have none. */
export function outputDataset(phase: ProcessorPhase, spec: ProcessorSpec): string | undefined {
  if (phase === 1) return undefined;
  if (phase === 2) return 'nba_raw';
  if (phase === 3) return 'nba_analytics';
  if (phase === 5 || spec.outputTable === 'ml_feature_store_v2') return 'nba_predictions';
  return 'nba_precompute';
}

/** Rows a processor writes for a slate: player tables ~32 per game, team tables 2 per game, else 1 per game. */
export function recordCountFor(name: string, games: number): number {
  if (/team/.test(name)) return games * 2;
  if (/player|ml_feature|props|box/.test(name)) return games * 32;
  return games;
}

export interface CompletionInput {
  phase: ProcessorPhase;
  spec: ProcessorSpec;
  asyncClassName?: boolean;
  executionId: string;
  correlationId: string;
  gameDate: string;
  status: CompletionStatus;
  recordCount?: number;
  durationMs: number;
  triggerSource?: string;
  errorMessage?: string;
  errorType?: string;
  metadata?: Record<string, unknown>;
  now: Date;
}

/** The platform's completion message, with null/undefined keys dropped as the platform's publisher does. */
export function buildCompletionMessage(input: CompletionInput): CompletionMessage {
  const message = {
    processor_name: input.asyncClassName ? `Async${input.spec.className}` : input.spec.className,
    phase: MESSAGE_PHASE[input.phase],
    execution_id: input.executionId,
    correlation_id: input.correlationId,
    game_date: input.gameDate,
    output_table: input.spec.outputTable,
    output_dataset: outputDataset(input.phase, input.spec),
    status: input.status,
    record_count: input.recordCount,
    records_failed: input.status === 'failed' ? 0 : undefined,
    timestamp: input.now.toISOString(),
    duration_seconds: Math.round(input.durationMs) / 1000,
    trigger_source: input.triggerSource,
    error_message: input.errorMessage,
    error_type: input.errorType,
    metadata: input.metadata ?? {},
  };
  return dropNullish(message) as unknown as CompletionMessage;
}

export function dropNullish<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}
