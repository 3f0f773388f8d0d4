/**
 * The legacy orchestrator's Firestore documents: `phase3_completion/{date}` (guards Gameday's phase-4 trigger) and
 * `phase4_completion/{date}` (guards phase 5). One field per completed processor, `_`-prefixed bookkeeping fields.
 */
import type { DocumentReference, Firestore } from '@google-cloud/firestore';
import type { GamedayConfig } from '../../config/schema';
import type { ClaimedPhase, LegacyTriggerFields } from '../../domain/legacy';

/** A legacy counter: the phase whose completions it counts. */
export type CountedPhase = 3 | 4;

/**
 * The Firestore package, loaded on first use: a worker with neither the legacy documents nor the Firestore alert
 * ledger never loads it (about 33 MB of resident memory).
 */
export function firestorePackage(): typeof import('@google-cloud/firestore') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@google-cloud/firestore') as typeof import('@google-cloud/firestore');
}

/** The Firestore client of the legacy documents (ADC in production; FIRESTORE_EMULATOR_HOST for the emulator). */
export function legacyFirestore(config: GamedayConfig): Firestore {
  const { projectId, databaseId } = config.legacy.firestore;
  return new (firestorePackage().Firestore)({ projectId, databaseId, ignoreUndefinedProperties: true });
}

export function countedDoc(db: Firestore, config: GamedayConfig, phase: CountedPhase, gameDate: string) {
  const collection = phase === 3 ? config.legacy.collections.phase3 : config.legacy.collections.phase4;
  return db.collection(collection).doc(gameDate) as DocumentReference;
}

/** The document whose counter triggers `phase`: phase 4 is triggered by the phase-3 counter, 5 by the phase-4 one. */
export function guardDoc(db: Firestore, config: GamedayConfig, phase: ClaimedPhase, gameDate: string) {
  return countedDoc(db, config, phase === 4 ? 3 : 4, gameDate);
}

export function triggerFields(data: Record<string, unknown> | undefined): LegacyTriggerFields {
  const d = data ?? {};
  return {
    triggered: d._triggered === true,
    triggeredAt: isoOf(d._triggered_at),
    triggeredBy: typeof d._triggered_by === 'string' ? d._triggered_by : undefined,
    triggerReason: typeof d._trigger_reason === 'string' ? d._trigger_reason : undefined,
    triggerPending: d._trigger_pending === true,
    triggerPendingAt: isoOf(d._trigger_pending_at),
  };
}

/** One processor's completion as the legacy recorded it. */
export interface LegacyCompletion {
  processor: string;
  status: string;
  completedAt?: string;
  recordCount?: number;
  executionId?: string;
  correlationId?: string;
}

/** The processors a legacy document holds (every key without a leading `_`), oldest first. */
export function completionsOf(data: Record<string, unknown> | undefined): LegacyCompletion[] {
  return Object.entries(data ?? {})
    .filter(([key, value]) => !key.startsWith('_') && typeof value === 'object' && value !== null)
    .map(([processor, value]) => {
      const v = value as Record<string, unknown>;
      return {
        processor,
        status: typeof v.status === 'string' ? v.status : 'success',
        completedAt: isoOf(v.completed_at),
        recordCount: typeof v.record_count === 'number' ? v.record_count : undefined,
        executionId: typeof v.execution_id === 'string' ? v.execution_id : undefined,
        correlationId: typeof v.correlation_id === 'string' ? v.correlation_id : undefined,
      };
    })
    .sort((a, b) => (a.completedAt ?? '').localeCompare(b.completedAt ?? '') || a.processor.localeCompare(b.processor));
}

/** Legacy timestamps are server timestamps (Timestamp) or, for `_first_completion_at`, ISO strings. */
export function isoOf(value: unknown): string | undefined {
  if (value instanceof firestorePackage().Timestamp) return value.toDate().toISOString();
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
  return undefined;
}
