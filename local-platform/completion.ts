/**
 * Completion messages as the platform's shared publisher builds them (read from its source): the key order of its
 * dict literal, top-level None dropped, `metadata` always there, and each phase's own conventions (phase-1 snake
 * names and underscore-less tables, phase-2 dataset-prefixed tables and a zero duration, phase-3 "manual" trigger
 * source and `error_type` "str", phase 5's batch id as execution id).
 */
import type { MessageStatus } from '../domain/messages';
import type { ProcessorSpec } from '../domain/processors';
import { pyFloat } from './python-json';

export type ProcessorPhase = 1 | 2 | 3 | 4 | 5;

export const MESSAGE_PHASE: Record<ProcessorPhase, string> = {
  1: 'phase_1_scrapers',
  2: 'phase_2_raw',
  3: 'phase_3_analytics',
  4: 'phase_4_precompute',
  5: 'phase_5_predictions',
};

/** Phase-2 tables the raw processors name without their dataset (the rest are `nba_raw.<table>`). */
const BARE_RAW_TABLES = new Set(['nbac_player_boxscores', 'nbac_player_list_current', 'espn_team_rosters']);

export function outputDataset(phase: ProcessorPhase, spec: { outputTable: string }): string {
  if (phase <= 2) return 'nba_raw';
  if (phase === 3) return 'nba_analytics';
  if (phase === 5 || spec.outputTable === 'ml_feature_store_v2') return 'nba_predictions';
  return 'nba_precompute';
}

/** Rows a processor writes for a slate: player tables ~26 per game, team tables 2 per game, else 1 per game. */
export function recordCountFor(name: string, games: number): number {
  if (/team/.test(name)) return games * 2;
  if (/player|ml_feature|props|box|odds/.test(name)) return games * 26;
  return games;
}

/** `2026-01-15T15:00:14.512000+00:00`: Python's isoformat of a UTC datetime. */
export function pythonTimestamp(at: Date): string {
  return at.toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}

export function hex8(seed: number): string {
  return ((seed * 2654435761) >>> 0).toString(16).padStart(8, '0').slice(-8);
}

export interface CompletionInput {
  phase: ProcessorPhase;
  spec: ProcessorSpec;
  /** Publish `Async<ClassName>` (the platform's async route: the upcoming player context by default). */
  asyncClassName?: boolean;
  executionId: string;
  correlationId?: string;
  /** Normally YYYY-MM-DD; phase 3 sends the literal "None" for a run without an end date. */
  gameDate: string;
  status: MessageStatus;
  recordCount: number;
  durationSeconds: number;
  triggerSource?: string;
  triggerMessageId?: string;
  errorMessage?: string;
  metadata?: Record<string, unknown>;
  now: Date;
}

export function buildCompletionMessage(input: CompletionInput): Record<string, unknown> {
  const { phase, spec } = input;
  const processorName = phase === 1 ? spec.name : input.asyncClassName ? `Async${spec.className}` : spec.className;
  const outputTable =
    phase === 2 && !BARE_RAW_TABLES.has(spec.outputTable) ? `nba_raw.${spec.outputTable}` : spec.outputTable;
  const failed = input.status === 'failed';
  const defaults: Record<ProcessorPhase, { trigger: string; errorType: string; metadata: Record<string, unknown> }> = {
    1: {
      trigger: 'scheduler',
      errorType: 'type',
      metadata: {
        scraper_class: spec.className,
        gcs_path: `gs://nba-scraped-data/${spec.name}/${input.gameDate}/${input.executionId}.json`,
        workflow: 'betting_lines',
        scraper_type: 'api',
      },
    },
    2: { trigger: 'unified_v2', errorType: 'str', metadata: { rows_updated: 0, processing_strategy: 'INSERT' } },
    3: {
      trigger: 'manual',
      errorType: 'str',
      metadata: {
        is_incremental: false,
        entities_changed_count: null,
        entities_total: null,
        efficiency_gain_pct: null,
        change_detection_time: null,
        entities_changed: [],
        extract_time: failed ? null : pyFloat(Math.round(input.durationSeconds * 300) / 1000),
        transform_time: failed ? null : pyFloat(Math.round(input.durationSeconds * 200) / 1000),
        save_time: failed ? null : pyFloat(Math.round(input.durationSeconds * 500) / 1000),
      },
    },
    4: {
      trigger: 'manual',
      errorType: 'str',
      metadata: { total_runtime: pyFloat(input.durationSeconds), rows_processed: input.recordCount, rows_skipped: 0 },
    },
    5: { trigger: 'automatic', errorType: 'str', metadata: {} },
  };
  const conventions = defaults[phase];
  const message: Record<string, unknown> = {
    processor_name: processorName,
    phase: MESSAGE_PHASE[phase],
    execution_id: input.executionId,
    correlation_id: input.correlationId ?? input.executionId,
    game_date: input.gameDate,
    output_table: outputTable,
    output_dataset: outputDataset(phase, spec),
    status: input.status,
    record_count: input.recordCount,
    records_failed: 0,
    timestamp: pythonTimestamp(input.now),
    duration_seconds: phase === 2 || (phase === 3 && failed) ? 0 : pyFloat(input.durationSeconds),
    parent_processor: null,
    trigger_source: input.triggerSource ?? conventions.trigger,
    trigger_message_id: phase === 2 ? input.triggerMessageId : null,
    error_message: failed ? (input.errorMessage ?? `${spec.className} failed`) : null,
    error_type: failed ? conventions.errorType : null,
    metadata: input.metadata ?? conventions.metadata,
  };
  return Object.fromEntries(Object.entries(message).filter(([, v]) => v !== null && v !== undefined));
}

/** A message of a processor no orchestrator tracks (the hourly injury report and its raw processor, other scrapers). */
export function untrackedMessage(options: {
  phase: 1 | 2;
  name: string;
  className: string;
  outputTable: string;
  gameDate: string;
  executionId: string;
  now: Date;
}): Record<string, unknown> {
  return buildCompletionMessage({
    phase: options.phase,
    spec: { name: options.name, className: options.className, outputTable: options.outputTable },
    executionId: options.executionId,
    gameDate: options.gameDate,
    status: 'success',
    recordCount: 42,
    durationSeconds: 1.3,
    now: options.now,
  });
}
