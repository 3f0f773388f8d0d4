/**
 * The legacy counters as the Cloud Functions run them (phase3_to_phase4 and phase4_to_phase5 at the mirrored HEAD,
 * /work/research/platform-facts.md §8), for races against Gameday's claim: the transaction marks `_trigger_pending`
 * when the rule holds and `_triggered` is unset; the publish happens after it, then `_triggered` is set outside it.
 */
import { FieldValue, type Firestore } from '@google-cloud/firestore';

export interface LegacyRun {
  /** The function published its trigger message. */
  published: boolean;
  result: string;
}

/** phase3_to_phase4 in same_day/tomorrow mode, where any single completion satisfies the rule. */
export async function legacyPhase3Completion(
  db: Firestore,
  gameDate: string,
  processor: string,
  options: { collection?: string; beforePublish?: () => Promise<void> } = {},
): Promise<LegacyRun> {
  const ref = db.collection(options.collection ?? 'phase3_completion').doc(gameDate);
  const decision = await db.runTransaction(async (tx) => {
    const current: Record<string, unknown> = (await tx.get(ref)).data() ?? {};
    if (processor in current) {
      tx.set(ref, current);
      return 'duplicate';
    }
    current[processor] = {
      completed_at: FieldValue.serverTimestamp(),
      correlation_id: 'c0ffee00',
      status: 'success',
      record_count: 42,
      execution_id: 'abcd1234',
      is_incremental: false,
      entities_changed: [],
    };
    const count = Object.keys(current).filter((k) => !k.startsWith('_')).length;
    if (!current._triggered) {
      Object.assign(current, {
        _trigger_pending: true,
        _trigger_pending_at: FieldValue.serverTimestamp(),
        _completed_count: count,
        _mode: 'tomorrow',
        _trigger_reason: 'critical_plus_majority_100pct',
      });
      tx.set(ref, current);
      return 'trigger';
    }
    current._completed_count = count;
    current._mode = 'tomorrow';
    current._last_update = FieldValue.serverTimestamp();
    tx.set(ref, current);
    return 'waiting';
  });
  if (decision !== 'trigger') return { published: false, result: decision };
  await options.beforePublish?.();
  // trigger_phase4 swallows its own errors, so this runs whether or not the publish worked.
  await ref.update({ _triggered: true, _triggered_at: FieldValue.serverTimestamp(), _trigger_succeeded: true });
  return { published: true, result: 'triggered' };
}

/** phase4_to_phase5 as designed (the tracker write that defeats it at HEAD left out): 5/5 triggers at once. */
export async function legacyPhase4Completion(
  db: Firestore,
  gameDate: string,
  processor: string,
  expected = 5,
): Promise<LegacyRun> {
  const ref = db.collection('phase4_completion').doc(gameDate);
  const decision = await db.runTransaction(async (tx) => {
    const current: Record<string, unknown> = (await tx.get(ref)).data() ?? {};
    if (processor in current) return 'duplicate';
    if (current._triggered) return 'already_triggered';
    current[processor] = {
      completed_at: FieldValue.serverTimestamp(),
      correlation_id: 'c0ffee00',
      status: 'success',
      record_count: 7,
      execution_id: 'abcd5678',
    };
    if (!('_first_completion_at' in current)) current._first_completion_at = new Date().toISOString();
    const count = Object.keys(current).filter((k) => !k.startsWith('_')).length;
    current._completed_count = count;
    if (count >= expected) {
      Object.assign(current, {
        _trigger_pending: true,
        _trigger_pending_at: FieldValue.serverTimestamp(),
        _trigger_reason: 'all_complete',
      });
      tx.set(ref, current);
      return 'trigger';
    }
    tx.set(ref, current);
    return 'waiting';
  });
  if (decision !== 'trigger') return { published: false, result: decision };
  await ref.update({ _triggered: true, _triggered_at: FieldValue.serverTimestamp(), _trigger_succeeded: true });
  return { published: true, result: 'triggered' };
}
