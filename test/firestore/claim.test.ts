/**
 * The claim on the legacy documents against the official Firestore emulator: Gameday and the legacy counter racing
 * on one date trigger exactly once; the legacy's own trigger (or its pending one) is respected; shadow mode writes
 * nothing; completions are mirrored in the legacy's field shape, first completion wins.
 */
import type { Firestore } from '@google-cloud/firestore';
import { claimLegacyTrigger } from '../../activities/firestore/claim';
import { mirrorLegacyCompletion } from '../../activities/firestore/mirror';
import { loadConfig } from '../../config/load';
import type { GamedayConfig } from '../../config/schema';
import { TRIGGERED_BY_GAMEDAY } from '../../domain/legacy';
import {
  describeWithFirestoreEmulator,
  startFirestoreEmulator,
  type FirestoreEmulator,
} from '../helpers/firestore-emulator';
import { legacyPhase3Completion, legacyPhase4Completion } from './legacy-function';

const PROJECT = 'gameday-claim-test';
const describeWithEmulator = describeWithFirestoreEmulator('Firestore coexistence tests');

const configFor = (mode: 'shadow' | 'coexist' | 'primary'): GamedayConfig =>
  loadConfig({}, { legacy: { mode, firestore: { projectId: PROJECT } } });

describeWithEmulator('legacy claims on the Firestore emulator', () => {
  let emulator: FirestoreEmulator;
  let db: Firestore;
  const coexist = configFor('coexist');
  const cycleStart = '2026-01-14T22:00:00.000Z';

  beforeAll(async () => {
    emulator = await startFirestoreEmulator();
    db = emulator.client(PROJECT);
  }, 120_000);
  afterAll(async () => {
    await emulator?.stop();
  });

  const doc = async (collection: string, id: string) => (await db.collection(collection).doc(id).get()).data();

  test('Gameday and the legacy counter racing on the same date 100 times: exactly one trigger each time', async () => {
    // Each date is its own race; dates race in parallel batches (a contended transaction costs the emulator seconds).
    const race = async (i: number) => {
      const gameDate = `2030-01-01-race${i}`;
      const jitter = () => new Promise<void>((resolve) => setTimeout(resolve, Math.random() * 4));
      const [claim, legacy] = await Promise.all([
        jitter().then(() =>
          claimLegacyTrigger(db, coexist, { gameDate, phase: 4, cycleStart, reason: 'gameday:tomorrow/phase4' }),
        ),
        jitter().then(() =>
          legacyPhase3Completion(db, gameDate, 'upcoming_player_game_context', { beforePublish: jitter }),
        ),
      ]);
      return { i, triggers: (claim.outcome === 'claimed' ? 1 : 0) + (legacy.published ? 1 : 0), claim: claim.outcome };
    };
    const results: Awaited<ReturnType<typeof race>>[] = [];
    for (let batch = 0; batch < 100; batch += 25) {
      results.push(...(await Promise.all(Array.from({ length: 25 }, (_, k) => race(batch + k)))));
    }
    expect(results.filter((r) => r.triggers !== 1)).toEqual([]);
    expect(results).toHaveLength(100);
    const gameday = results.filter((r) => r.claim === 'claimed').length;
    console.log(`race: Gameday claimed ${gameday} of 100 dates, the legacy triggered the other ${100 - gameday}`);
  }, 180_000);

  test('a Gameday claim keeps the legacy counters from triggering, and a retried claim is still ours', async () => {
    const claim = await claimLegacyTrigger(db, coexist, {
      gameDate: '2030-02-01',
      phase: 4,
      cycleStart,
      reason: 'gameday:tomorrow/phase4',
    });
    expect(claim.outcome).toBe('claimed');
    expect(await doc('phase3_completion', '2030-02-01')).toMatchObject({
      _triggered: true,
      _triggered_by: TRIGGERED_BY_GAMEDAY,
      _trigger_reason: 'gameday:tomorrow/phase4',
    });
    expect((await legacyPhase3Completion(db, '2030-02-01', 'upcoming_player_game_context')).published).toBe(false);
    const again = await claimLegacyTrigger(db, coexist, {
      gameDate: '2030-02-01',
      phase: 4,
      cycleStart,
      reason: 'gameday:tomorrow/phase4',
    });
    expect(again.outcome).toBe('ours');

    expect(
      (await claimLegacyTrigger(db, coexist, { gameDate: '2030-02-01', phase: 5, cycleStart, reason: 'x' })).outcome,
    ).toBe('claimed');
    for (const p of ['a', 'b', 'c', 'd', 'e']) {
      expect((await legacyPhase4Completion(db, '2030-02-01', p)).published).toBe(false);
    }
  });

  test('the legacy triggered in this cycle: Gameday defers; before this cycle: Gameday may trigger', async () => {
    await legacyPhase3Completion(db, '2030-03-01', 'upcoming_player_game_context');
    const now = new Date().toISOString();
    const inCycle = await claimLegacyTrigger(db, coexist, {
      gameDate: '2030-03-01',
      phase: 4,
      cycleStart: new Date(Date.now() - 3600_000).toISOString(),
      reason: 'gameday:same_day/phase4',
    });
    expect(inCycle.outcome).toBe('legacy');
    expect(inCycle.legacy.triggered).toBe(true);
    expect(inCycle.reason).toMatch(/triggered by the legacy orchestrator/);
    const later = await claimLegacyTrigger(db, coexist, {
      gameDate: '2030-03-01',
      phase: 4,
      cycleStart: new Date(Date.now() + 3600_000).toISOString(),
      reason: 'gameday:overnight/phase4',
    });
    expect(later.outcome).toBe('legacy-earlier');
    const stored = await doc('phase3_completion', '2030-03-01');
    expect(stored?._triggered_by).toBeUndefined();
    expect(Date.parse(inCycle.legacy.triggeredAt ?? '')).toBeLessThanOrEqual(Date.parse(now) + 5000);
  });

  test("a legacy trigger still pending (published or not) is the legacy's", async () => {
    let claim: Awaited<ReturnType<typeof claimLegacyTrigger>> | undefined;
    await legacyPhase3Completion(db, '2030-03-02', 'upcoming_player_game_context', {
      beforePublish: async () => {
        claim = await claimLegacyTrigger(db, coexist, {
          gameDate: '2030-03-02',
          phase: 4,
          cycleStart,
          reason: 'gameday',
        });
      },
    });
    expect(claim?.outcome).toBe('legacy');
    expect(claim?.legacy).toMatchObject({ triggered: false, triggerPending: true });
  });

  test('shadow mode reads and writes nothing: would-trigger, would-defer', async () => {
    const shadow = configFor('shadow');
    const fresh = await claimLegacyTrigger(db, shadow, { gameDate: '2030-04-01', phase: 4, cycleStart, reason: 'x' });
    expect(fresh.outcome).toBe('would-trigger');
    expect(await doc('phase3_completion', '2030-04-01')).toBeUndefined();
    await legacyPhase3Completion(db, '2030-04-02', 'upcoming_player_game_context');
    const before = await doc('phase3_completion', '2030-04-02');
    const taken = await claimLegacyTrigger(db, shadow, {
      gameDate: '2030-04-02',
      phase: 4,
      cycleStart,
      reason: 'x',
    });
    expect(taken.outcome).toBe('would-defer');
    expect(await doc('phase3_completion', '2030-04-02')).toEqual(before);
  });

  test('completions are mirrored in the legacy field shape; first completion wins; failures are not counted', async () => {
    const primary = configFor('primary');
    const base = { gameDate: '2030-05-01', recordCount: 120, executionId: '1a2b3c4d', correlationId: 'corr-1' };
    expect(
      await mirrorLegacyCompletion(db, primary, {
        ...base,
        phase: 3,
        processor: 'player_game_summary',
        status: 'success',
        metadata: { is_incremental: true, entities_changed: ['lebron-james'] },
      }),
    ).toBe('written');
    expect(
      await mirrorLegacyCompletion(db, primary, {
        ...base,
        phase: 3,
        processor: 'player_game_summary',
        status: 'partial',
        executionId: 'ffffffff',
      }),
    ).toBe('present');
    expect(
      await mirrorLegacyCompletion(db, primary, {
        ...base,
        phase: 3,
        processor: 'team_defense_game_summary',
        status: 'failed',
      }),
    ).toBe('not-counted');
    const phase3 = await doc('phase3_completion', '2030-05-01');
    expect(phase3?.player_game_summary).toMatchObject({
      correlation_id: 'corr-1',
      status: 'success',
      record_count: 120,
      execution_id: '1a2b3c4d',
      is_incremental: true,
      entities_changed: ['lebron-james'],
    });
    expect(phase3?.player_game_summary.completed_at.toDate()).toBeInstanceOf(Date);
    expect(phase3).toMatchObject({ _completed_count: 1, _mode: 'tomorrow' }); // 2030 is after today
    expect(Object.keys(phase3 ?? {}).filter((k) => !k.startsWith('_'))).toEqual(['player_game_summary']);

    await mirrorLegacyCompletion(db, primary, {
      ...base,
      phase: 4,
      processor: 'player_daily_cache',
      status: 'success',
    });
    await mirrorLegacyCompletion(db, primary, { ...base, phase: 4, processor: 'ml_feature_store', status: 'success' });
    const phase4 = await doc('phase4_completion', '2030-05-01');
    expect(phase4).toMatchObject({ _completed_count: 2, _first_completion_at: expect.any(String) });
    expect(phase4?.ml_feature_store).toEqual({
      completed_at: expect.anything(),
      correlation_id: 'corr-1',
      status: 'success',
      record_count: 120,
      execution_id: '1a2b3c4d',
    });
  });
});
