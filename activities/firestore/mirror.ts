/**
 * Mirrors a completion Gameday received into the legacy document, as the legacy function writes it (one field per
 * processor: completed_at, correlation_id, status, record_count, execution_id; phase 3 also is_incremental and
 * entities_changed), so the tools that read the documents keep working once the legacy functions are off. First
 * completion wins, as in the legacy. Only in `primary` mode: while the legacy functions run, a field written by
 * Gameday would make their own transaction see the message as a duplicate and never trigger.
 */
import type { Firestore } from '@google-cloud/firestore';
import type { GamedayConfig } from '../../config/schema';
import { dateInZone } from '../../domain/dates';
import { countedDoc, firestorePackage, type CountedPhase } from './legacy-docs';

export interface MirroredCompletion {
  gameDate: string;
  phase: CountedPhase;
  /** The normalised (snake) name, as the legacy keys it. */
  processor: string;
  status: string;
  recordCount?: number;
  executionId?: string;
  correlationId?: string;
  /** The message's metadata (phase 3: is_incremental, entities_changed). */
  metadata?: Record<string, unknown>;
}

export type MirrorOutcome = 'written' | 'present' | 'not-counted';

export async function mirrorLegacyCompletion(
  db: Firestore,
  config: GamedayConfig,
  completion: MirroredCompletion,
  now: Date = new Date(),
): Promise<MirrorOutcome> {
  if (completion.status !== 'success' && completion.status !== 'partial') return 'not-counted';
  const ref = countedDoc(db, config, completion.phase, completion.gameDate);
  return db.runTransaction(async (tx) => {
    const current = (await tx.get(ref)).data() ?? {};
    if (completion.processor in current) return 'present';
    const entry: Record<string, unknown> = {
      completed_at: firestorePackage().FieldValue.serverTimestamp(),
      correlation_id: completion.correlationId ?? null,
      status: completion.status,
      record_count: completion.recordCount ?? 0,
      execution_id: completion.executionId ?? null,
    };
    const update: Record<string, unknown> = {
      [completion.processor]: entry,
      _completed_count: Object.keys(current).filter((k) => !k.startsWith('_')).length + 1,
      _last_update: firestorePackage().FieldValue.serverTimestamp(),
    };
    if (completion.phase === 3) {
      entry.is_incremental = completion.metadata?.is_incremental === true;
      entry.entities_changed = Array.isArray(completion.metadata?.entities_changed)
        ? completion.metadata.entities_changed
        : [];
      update._mode = legacyMode(completion.gameDate, now, config.timeZone);
    } else if (!('_first_completion_at' in current)) {
      update._first_completion_at = now.toISOString();
    }
    tx.set(ref, update, { merge: true });
    return 'written';
  });
}

/** The legacy's `_mode`: the game date against today in ET (past overnight, today same_day, future tomorrow). */
function legacyMode(gameDate: string, now: Date, timeZone: string): string {
  const today = dateInZone(now, timeZone);
  return gameDate < today ? 'overnight' : gameDate === today ? 'same_day' : 'tomorrow';
}
