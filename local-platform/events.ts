import type { MessageStatus } from '../domain/messages';

interface EventBase {
  /** Increasing number, for `GET /_local/events?since=N`. */
  seq: number;
  at: string;
}

/** A call the platform received, with the answer it gave. */
export interface RequestEvent extends EventBase {
  type: 'request';
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
  status: number;
  response?: unknown;
  idempotencyKey?: string;
  /** The answer was replayed from an earlier call with the same Idempotency-Key. */
  replayed?: boolean;
  /** Which scenario fault produced this answer, if any. */
  injected?: string;
}

export type RunOutcome =
  | 'published' // ran and published its completion (any status)
  | 'silent' // ran, published nothing (scenario `silent`)
  | 'never' // started and will never finish
  | 'suppressed' // backfill_mode / skip_downstream_trigger: ran, published nothing
  | 'deduplicated' // a re-run deduplicated by the processor: published nothing
  | 'result_failed' // phase 4 result failed (resultFailedTimes): published nothing
  | 'unpublished' // a status its phase never publishes (phases 2 and 4: success only)
  | 'failed_then_success'; // published success and failed with one execution_id

/** A processor run the platform simulated. */
export interface RunEvent extends EventBase {
  type: 'run';
  phase: number;
  processor: string;
  className: string;
  gameDate: string;
  outcome: RunOutcome;
  status?: MessageStatus;
  /** What started it: an HTTP trigger (its trigger_source), the platform's schedule, or its phase-3 subscription. */
  cause?: string;
  executionId?: string;
  correlationId: string;
}

export type DeliveryState = 'pending' | 'delivered' | 'dead-lettered' | 'abandoned';

/** A message published to a topic and pushed to the bridge; `delivery` is updated as it goes. */
export interface PublishEvent extends EventBase {
  type: 'publish';
  topic: string;
  subscription: string;
  messageId: string;
  /** 2 for the second copy when the scenario duplicates deliveries. */
  copy: number;
  /** The message as JSON (the data as published is `data`, Python-serialised). */
  message: Record<string, unknown>;
  data: string;
  delivery: DeliveryState;
  attempts: number;
  lastStatus?: number;
  lastError?: string;
  deliveredAt?: string;
  /** The bridge's answer body. */
  answer?: string;
}

/** An export trigger message accepted on the export push endpoint. */
export interface ExportEvent extends EventBase {
  type: 'export';
  messageId: string;
  subscription?: string;
  trigger: ExportTrigger;
  /** The same messageId was accepted before (a redelivery). */
  duplicate: boolean;
}

/** A grading trigger accepted on the grading push endpoint. */
export interface GradingEvent extends EventBase {
  type: 'grading';
  messageId: string;
  targetDate: string;
  duplicate: boolean;
  idempotencyKey?: string;
}

export interface ScenarioEvent extends EventBase {
  type: 'scenario';
  name: string;
}

export interface ExportTrigger {
  export_types: string[];
  target_date: string;
  update_latest: boolean;
  correlation_id: string;
  trigger_source: string;
}

export type PlatformEvent = RequestEvent | RunEvent | PublishEvent | ExportEvent | GradingEvent | ScenarioEvent;

type NewEvent<E> = E extends PlatformEvent ? Omit<E, 'seq' | 'at'> : never;

/** Every call received and every message published, in order. Keeps the newest `limit` events. */
export class EventLog {
  private readonly items: PlatformEvent[] = [];
  private seq = 0;

  constructor(
    private readonly now: () => Date,
    private readonly limit = 20_000,
  ) {}

  add<E extends PlatformEvent>(event: NewEvent<E>): E {
    const stored = { seq: ++this.seq, at: this.now().toISOString(), ...event } as unknown as E;
    this.items.push(stored);
    if (this.items.length > this.limit) this.items.splice(0, this.items.length - this.limit);
    return stored;
  }

  /** A copy, so callers cannot change the log; `since` keeps events with a higher seq. */
  list(since = 0): PlatformEvent[] {
    return structuredClone(this.items.filter((e) => e.seq > since));
  }
}
