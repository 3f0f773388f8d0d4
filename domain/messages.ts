/**
 * The platform's Pub/Sub messages as they really arrive (PLATFORM.md, "What really arrives"), interpreted the way
 * the legacy orchestrators do: names normalised, dates as published, success counting whatever the order. Pure and
 * deterministic: the bridge and the date's workflow both call it, so a message sent by hand means the same thing.
 *
 * Nothing here throws: every input gets an interpretation, and anything that cannot be used says why.
 */
import { isValidGameDate, addDays } from './dates';
import type { PhaseNumber } from './phases';
import { normalizeProcessorName, type ProcessorSpec } from './processors';

/** The completion message of the platform's shared publisher (top-level nulls dropped, `metadata` always there). */
export interface CompletionMessage {
  processor_name: string;
  phase: string;
  execution_id: string;
  correlation_id: string;
  game_date: string;
  output_table?: string;
  output_dataset?: string;
  status: 'success' | 'partial' | 'no_data' | 'failed';
  record_count: number;
  records_failed: number;
  timestamp: string;
  duration_seconds?: number;
  parent_processor?: string;
  trigger_source?: string;
  trigger_message_id?: string;
  error_message?: string;
  error_type?: string;
  metadata: Record<string, unknown>;
}

/** What the Pub/Sub push envelope says about a message, beside its data. */
export interface Delivery {
  messageId?: string;
  publishTime?: string;
  subscription?: string;
  attributes?: Record<string, string>;
  deliveryAttempt?: number;
}

/** The `phase` field of each topic's messages. */
export const MESSAGE_PHASES: Record<string, PhaseNumber> = {
  phase_1_scrapers: 1,
  phase_2_raw: 2,
  phase_3_analytics: 3,
  phase_4_precompute: 4,
  phase_5_predictions: 5,
};
export const GRADING_MESSAGE_PHASE = 'phase_5b_grading';
export const EXPORT_MESSAGE_PHASE = 'phase_6_publishing';

export const COUNTING_STATUSES = ['success', 'partial'] as const;
export const MESSAGE_STATUSES = ['success', 'partial', 'no_data', 'failed'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** Where a message came from: the topic behind the subscription decides its phase before the message's own field. */
export interface MessageCatalog {
  processors: Record<1 | 2 | 3 | 4 | 5, readonly ProcessorSpec[]>;
  /** Topic names: phases 1-6 completions, and the grading-complete topic. */
  topics: { 1: string; 2: string; 3: string; 4: string; 5: string; 6: string; gradingComplete: string };
}

/** Why a message was acknowledged without being used: a stable code (counted) and a readable reason. */
export type UnusableCode = 'not_an_object' | 'no_processor_name' | 'no_phase' | 'bad_date' | 'bad_status' | 'bad_field';
export type IgnoredCode = 'untracked_processor' | 'not_counted_status';

export type Interpretation =
  | {
      kind: 'completion';
      phase: 1 | 2 | 3 | 4 | 5;
      processor: string;
      gameDate: string;
      status: MessageStatus;
      /** success / partial: counts toward the rules. */
      counts: boolean;
      executionId: string;
      /** When it was published (the message's timestamp, else the push's publishTime). */
      at: string;
      recordCount?: number;
      /** Phase 5: the batch and how complete it is. */
      completionPct?: number;
      triggerSource?: string;
      correlationId?: string;
      error?: string;
    }
  | {
      kind: 'grading';
      gameDate: string;
      status: string;
      at: string;
      gradedCount?: number;
      predictionsFound?: number;
      executionId: string;
    }
  | { kind: 'export'; gameDate?: string; status: string; at: string; exportTypes: string[]; executionId: string }
  | { kind: 'ignored'; code: IgnoredCode; reason: string; gameDate?: string; phase?: PhaseNumber; processor?: string }
  | { kind: 'unusable'; code: UnusableCode; reason: string; gameDate?: string; phase?: PhaseNumber };

/** At most `max` characters of something a sender wrote, for reasons and logs (a 10 KB name stays out). */
export function shown(value: unknown, max = 60): string {
  const text = typeof value === 'string' ? value : preview(value);
  return text.length > max ? `${JSON.stringify(text.slice(0, max))}… (${text.length} chars)` : JSON.stringify(text);
}

/** JSON of a value a sender wrote, or its kind when it nests too deep to write (a stack overflow, never thrown). */
function preview(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Array.isArray(value) ? `[an array of ${value.length}]` : `[${typeof value}]`;
  }
}

function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The phase of a message: its subscription's topic, else its `phase` field (a name, or a dead publisher's number). */
export function messagePhase(
  message: Record<string, unknown>,
  delivery: Delivery | undefined,
  catalog: MessageCatalog,
): PhaseNumber | 'grading' | 'export' | undefined {
  const subscription = delivery?.subscription ?? '';
  if (subscription) {
    if (subscription.includes(catalog.topics.gradingComplete)) return 'grading';
    for (const phase of [1, 2, 3, 4, 5, 6] as const) {
      if (subscription.includes(catalog.topics[phase])) return phase === 6 ? 'export' : phase;
    }
  }
  const field = message.phase ?? delivery?.attributes?.phase;
  if (field === GRADING_MESSAGE_PHASE) return 'grading';
  if (field === EXPORT_MESSAGE_PHASE) return 'export';
  if (typeof field === 'string' && Object.hasOwn(MESSAGE_PHASES, field)) return MESSAGE_PHASES[field];
  const asNumber = typeof field === 'number' ? field : typeof field === 'string' ? Number(field) : NaN;
  if (Number.isInteger(asNumber) && asNumber >= 1 && asNumber <= 5) return asNumber as PhaseNumber;
  return undefined;
}

/** `today`/`yesterday` as the grading and export functions resolve them: in UTC, at the message's time. */
function resolveTargetDate(value: unknown, at: string): string | undefined {
  if (isValidGameDate(value)) return value;
  if (typeof value !== 'string' || Number.isNaN(Date.parse(at))) return undefined;
  const utcDate = new Date(at).toISOString().slice(0, 10);
  // A timestamp past year 9999 parses, but is no game date (`+010000-01`).
  if (!isValidGameDate(utcDate)) return undefined;
  if (value.toLowerCase() === 'today') return utcDate;
  if (value.toLowerCase() === 'yesterday') return addDays(utcDate, -1);
  return undefined;
}

const stringOrUndefined = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export function interpretMessage(
  raw: unknown,
  delivery: Delivery | undefined,
  catalog: MessageCatalog,
): Interpretation {
  if (!isObject(raw)) return { kind: 'unusable', code: 'not_an_object', reason: 'the message is not a JSON object' };
  const message = raw;
  const phase = messagePhase(message, delivery, catalog);
  const publishedAt =
    typeof message.timestamp === 'string' && !Number.isNaN(Date.parse(message.timestamp))
      ? message.timestamp
      : (delivery?.publishTime ?? '');
  const executionId =
    stringOrUndefined(message.execution_id) ?? stringOrUndefined(message.run_id) ?? delivery?.messageId ?? '';

  if (phase === 'grading' || phase === 'export') {
    const gameDate = resolveTargetDate(message.target_date, publishedAt);
    const status = typeof message.status === 'string' ? message.status : 'unknown';
    if (phase === 'grading') {
      if (!gameDate) {
        return {
          kind: 'unusable',
          code: 'bad_date',
          reason: `grading message with target_date ${shown(message.target_date)}`,
        };
      }
      return {
        kind: 'grading',
        gameDate,
        status,
        at: publishedAt,
        executionId: executionId || `${gameDate}:${publishedAt}`,
        gradedCount: finiteNumber(message.graded_count),
        predictionsFound: finiteNumber(message.predictions_found),
      };
    }
    const types = Array.isArray(message.export_types) ? message.export_types.filter((t) => typeof t === 'string') : [];
    return { kind: 'export', gameDate, status, at: publishedAt, exportTypes: types, executionId };
  }

  const name = message.processor_name;
  if (name === undefined || name === null || name === '') {
    const what =
      typeof message.scraper_name === 'string' || typeof message.scraper === 'string'
        ? ` (a re-publish or roster message from ${shown(message.scraper_name ?? message.scraper)})`
        : message.event_type !== undefined
          ? ` (a legacy ${shown(message.event_type)} event)`
          : '';
    return {
      kind: 'unusable',
      code: 'no_processor_name',
      reason: `no processor_name${what}`,
      gameDate: isValidGameDate(message.game_date) ? message.game_date : undefined,
      phase: typeof phase === 'number' ? phase : undefined,
    };
  }
  if (typeof name !== 'string') {
    return { kind: 'unusable', code: 'bad_field', reason: `processor_name is ${typeof name}, not a string` };
  }
  if (phase === undefined) {
    return {
      kind: 'unusable',
      code: 'no_phase',
      reason: `no phase for ${shown(name)}: unknown subscription and no phase field`,
    };
  }
  const gameDate = message.game_date;
  if (!isValidGameDate(gameDate)) {
    return { kind: 'unusable', code: 'bad_date', reason: `${shown(name)} with game_date ${shown(gameDate)}`, phase };
  }
  const status = message.status;
  if (typeof status !== 'string' || !(MESSAGE_STATUSES as readonly string[]).includes(status)) {
    return {
      kind: 'unusable',
      code: 'bad_status',
      reason: `${shown(name)} with status ${shown(status)}`,
      gameDate,
      phase,
    };
  }
  const recordCount = message.record_count;
  if (recordCount !== undefined && recordCount !== null) {
    if (typeof recordCount !== 'number' || !Number.isInteger(recordCount) || recordCount < 0) {
      return {
        kind: 'unusable',
        code: 'bad_field',
        reason: `${shown(name)} with record_count ${shown(recordCount)} (expected a whole number >= 0)`,
        gameDate,
        phase,
      };
    }
  }
  if (phase === 6) {
    return {
      kind: 'ignored',
      code: 'untracked_processor',
      reason: `export completion ${shown(name)}`,
      gameDate,
      phase,
    };
  }
  const outputTable = stringOrUndefined(message.output_table);
  const processor = normalizeProcessorName(name, outputTable, catalog.processors[phase]);
  if (!processor) {
    return {
      kind: 'ignored',
      code: 'untracked_processor',
      reason: `${shown(name)} is not a processor Gameday tracks in phase ${phase}`,
      gameDate,
      phase,
      processor: name.slice(0, 80),
    };
  }
  const metadata = isObject(message.metadata) ? message.metadata : {};
  const pct = metadata.completion_pct;
  return {
    kind: 'completion',
    phase,
    processor,
    gameDate,
    status: status as MessageStatus,
    counts: (COUNTING_STATUSES as readonly string[]).includes(status),
    executionId: executionId || `${processor}:${publishedAt}`,
    at: publishedAt,
    recordCount: typeof recordCount === 'number' ? recordCount : undefined,
    completionPct: finiteNumber(pct),
    triggerSource: stringOrUndefined(message.trigger_source),
    correlationId: stringOrUndefined(message.correlation_id),
    error: stringOrUndefined(message.error_message)?.slice(0, 300),
  };
}
