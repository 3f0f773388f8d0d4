import { MESSAGE_PHASES, type MessagePhase } from './phases';
import { isValidGameDate } from './dates';

export const COMPLETION_STATUSES = ['success', 'partial', 'no_data', 'failed', 'skipped'] as const;
export type CompletionStatus = (typeof COMPLETION_STATUSES)[number];

/** Only these statuses count a processor as complete. */
export const COUNTING_STATUSES: readonly CompletionStatus[] = ['success', 'partial'];

/** The platform's completion message, exactly as published to a `...-complete` topic. */
export interface CompletionMessage {
  processor_name: string;
  phase: MessagePhase;
  execution_id: string;
  correlation_id: string;
  game_date: string;
  status: CompletionStatus;
  timestamp: string;
  output_table?: string;
  output_dataset?: string;
  record_count?: number;
  records_failed?: number;
  duration_seconds?: number;
  parent_processor?: string;
  trigger_source?: string;
  trigger_message_id?: string;
  error_message?: string;
  error_type?: string;
  metadata?: Record<string, unknown>;
}

const REQUIRED_STRINGS = [
  'processor_name',
  'phase',
  'execution_id',
  'correlation_id',
  'game_date',
  'status',
  'timestamp',
] as const;
const OPTIONAL_STRINGS = [
  'output_table',
  'output_dataset',
  'parent_processor',
  'trigger_source',
  'trigger_message_id',
  'error_message',
  'error_type',
] as const;
const OPTIONAL_NUMBERS = ['record_count', 'records_failed', 'duration_seconds'] as const;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Validates a completion message. Plain TypeScript (no schema library) so the workflow, the bridge
 * and the CLI share it. Null values are treated as absent, as the publisher drops them.
 */
export function parseCompletionMessage(input: unknown): ParseResult<CompletionMessage> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, error: 'completion message must be a JSON object' };
  }
  const raw = Object.fromEntries(Object.entries(input as Record<string, unknown>).filter(([, v]) => v !== null));
  for (const key of REQUIRED_STRINGS) {
    if (typeof raw[key] !== 'string' || (raw[key] as string).length === 0) {
      return { ok: false, error: `completion message field ${key} is required and must be a non-empty string` };
    }
  }
  for (const key of OPTIONAL_STRINGS) {
    if (raw[key] !== undefined && typeof raw[key] !== 'string') {
      return { ok: false, error: `completion message field ${key} must be a string` };
    }
  }
  for (const key of OPTIONAL_NUMBERS) {
    if (raw[key] !== undefined && (typeof raw[key] !== 'number' || !Number.isFinite(raw[key]))) {
      return { ok: false, error: `completion message field ${key} must be a number` };
    }
  }
  if (typeof raw.phase !== 'string' || !Object.hasOwn(MESSAGE_PHASES, raw.phase)) {
    return {
      ok: false,
      error: `unknown phase ${JSON.stringify(raw.phase)}: expected one of ${Object.keys(MESSAGE_PHASES).join(', ')}`,
    };
  }
  if (!(COMPLETION_STATUSES as readonly string[]).includes(raw.status as string)) {
    return {
      ok: false,
      error: `unknown status ${JSON.stringify(raw.status)}: expected one of ${COMPLETION_STATUSES.join(', ')}`,
    };
  }
  if (!isValidGameDate(raw.game_date)) {
    return { ok: false, error: `game_date ${JSON.stringify(raw.game_date)} is not a YYYY-MM-DD date` };
  }
  if (Number.isNaN(Date.parse(raw.timestamp as string))) {
    return { ok: false, error: `timestamp ${JSON.stringify(raw.timestamp)} is not an ISO-8601 time` };
  }
  if (raw.metadata !== undefined && (typeof raw.metadata !== 'object' || Array.isArray(raw.metadata))) {
    return { ok: false, error: 'completion message field metadata must be an object' };
  }
  return { ok: true, value: raw as unknown as CompletionMessage };
}

export function countsAsComplete(status: CompletionStatus): boolean {
  return COUNTING_STATUSES.includes(status);
}
