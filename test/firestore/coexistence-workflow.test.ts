/**
 * The date's workflow beside the legacy orchestrator: the claim on the legacy document (official Firestore
 * emulator) decides whether Gameday's tomorrow phase 4 triggers; a legacy trigger is waited out on its completions;
 * shadow mode triggers nothing; mode off schedules no claim at all (recorded histories replay unchanged).
 */
import { FieldValue, Timestamp, type Firestore } from '@google-cloud/firestore';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { legacyActivities } from '../../activities/firestore';
import { withShadowGuard, TRIGGER_ACTIVITIES } from '../../activities/firestore/shadow-guard';
import type { GamedayConfig } from '../../config/schema';
import { dayConfig, dayState, dayWorker, deliver, endDays, settle, skipTo, startDay } from '../helpers/day-harness';
import { fakePlatform } from '../helpers/fake-platform';
import {
  describeWithFirestoreEmulator,
  startFirestoreEmulator,
  type FirestoreEmulator,
} from '../helpers/firestore-emulator';
import { completion } from '../helpers/messages';
import { dayTimeInstant } from '../../domain/day-times';
import { createTimeSkippingEnv } from '../helpers/tools';

const PROJECT = 'gameday-coexist-test';
const describeWithEmulator = describeWithFirestoreEmulator('the coexistence workflow tests');

describeWithEmulator('the date workflow beside the legacy orchestrator', () => {
  let env: TestWorkflowEnvironment;
  let emulator: FirestoreEmulator;
  let db: Firestore;

  beforeAll(async () => {
    [env, emulator] = await Promise.all([createTimeSkippingEnv(), startFirestoreEmulator()]);
    db = emulator.client(PROJECT);
  }, 120_000);
  afterEach(async () => {
    await endDays();
  });
  afterAll(async () => {
    await env?.teardown();
    await emulator?.stop();
  });

  const configFor = (gameDate: string, mode: 'off' | 'shadow' | 'coexist') =>
    dayConfig(env, gameDate, 'D-1 16:55', { legacy: { mode, firestore: { projectId: PROJECT } } });

  /** The fake platform with the real claim activity on the emulator, guarded as the worker guards it. */
  const platformFor = (config: GamedayConfig) => {
    const platform = fakePlatform({
      config,
      client: env.client,
      overrides: { claimLegacyTrigger: legacyActivities(config, db).claimLegacyTrigger },
    });
    return { platform, activities: withShadowGuard(config, platform.activities) };
  };

  /** Runs the tomorrow cycle to D-1 18:00 with its one phase-3 completion at 17:05. */
  async function tomorrowPhase4(config: GamedayConfig, gameDate: string, activities: Parameters<typeof dayWorker>[1]) {
    const { worker, taskQueue } = await dayWorker(env, activities);
    return worker.runUntil(async () => {
      const handle = await startDay(env, taskQueue, { gameDate });
      await skipTo(env, handle, config, gameDate, 'D-1 17:05');
      const at = Date.parse((await dayState(env, handle)).cycles.tomorrow.countFrom) + 5 * 3600_000;
      await deliver(env, handle, [completion(config, 3, 'upcoming_player_game_context', gameDate, at)]);
      await skipTo(env, handle, config, gameDate, 'D-1 18:00');
      const state = await dayState(env, handle);
      await settle(env, handle);
      return { handle, state, worker };
    });
  }

  test('coexist, nobody triggered: Gameday claims the date and runs phase 4', async () => {
    const gameDate = '2026-01-20';
    const config = await configFor(gameDate, 'coexist');
    const { platform, activities } = platformFor(config);
    const { state } = await tomorrowPhase4(config, gameDate, activities);
    const step = state.cycles.tomorrow.steps.find((s) => s.kind === 'phase4');
    expect(step?.legacy?.outcome).toBe('claimed');
    expect(step?.status).toBe('DONE');
    expect(platform.of('runPrecomputeProcessor')).toHaveLength(5);
    const doc = (await db.collection('phase3_completion').doc(gameDate).get()).data();
    expect(doc).toMatchObject({
      _triggered: true,
      _triggered_by: 'gameday',
      _trigger_reason: 'gameday:tomorrow/phase4',
    });
  }, 120_000);

  test('coexist, the legacy triggered: Gameday does not trigger, waits for the completions, and says so', async () => {
    const gameDate = '2026-01-21';
    await db
      .collection('phase3_completion')
      .doc(gameDate)
      .set({
        upcoming_player_game_context: { status: 'success', completed_at: FieldValue.serverTimestamp() },
        _triggered: true,
        _triggered_at: FieldValue.serverTimestamp(),
        _trigger_reason: 'critical_plus_majority_100pct',
      });
    const config = await configFor(gameDate, 'coexist');
    const { platform, activities } = platformFor(config);
    const { worker, taskQueue } = await dayWorker(env, activities);
    const state = await worker.runUntil(async () => {
      const handle = await startDay(env, taskQueue, { gameDate });
      await skipTo(env, handle, config, gameDate, 'D-1 17:05');
      const countFrom = Date.parse((await dayState(env, handle)).cycles.tomorrow.countFrom);
      await deliver(env, handle, [
        completion(config, 3, 'upcoming_player_game_context', gameDate, countFrom + 5 * 3600_000),
      ]);
      await skipTo(env, handle, config, gameDate, 'D-1 17:40');
      const waiting = (await dayState(env, handle)).cycles.tomorrow.steps.find((s) => s.kind === 'phase4');
      expect(waiting?.legacy?.outcome).toBe('legacy');
      expect(waiting?.status).toBe('WAITING');
      expect(waiting?.waitingFor).toMatch(/phase-4 completions \(triggered by the legacy orchestrator/);
      await deliver(
        env,
        handle,
        ['player_daily_cache', 'team_defense_zone_analysis'].map((p) =>
          completion(config, 4, p, gameDate, countFrom + 5 * 3600_000 + 45 * 60_000),
        ),
        'p4',
      );
      await skipTo(env, handle, config, gameDate, 'D-1 17:50');
      const s = await dayState(env, handle);
      await settle(env, handle);
      return s;
    });
    const step = state.cycles.tomorrow.steps.find((s) => s.kind === 'phase4');
    expect(step?.status).toBe('DONE');
    expect(step?.outcome).toMatch(/not triggered by Gameday: triggered by the legacy orchestrator/);
    expect(platform.of('runPrecomputeProcessor')).toHaveLength(0);
    const doc = (await db.collection('phase3_completion').doc(gameDate).get()).data();
    expect(doc?._triggered_by).toBeUndefined();
  }, 120_000);

  test('coexist, the legacy triggered at 17:20: a phase-4 completion from before its trigger does not finish the step', async () => {
    const gameDate = '2026-01-24';
    const config = await configFor(gameDate, 'coexist');
    const { platform, activities } = platformFor(config);
    const { worker, taskQueue } = await dayWorker(env, activities);
    const at = (time: string) => dayTimeInstant(gameDate, time, config.timeZone);
    const state = await worker.runUntil(async () => {
      const handle = await startDay(env, taskQueue, { gameDate });
      // The legacy's trigger time is Firestore's (real) time: the real instant of 17:20 on the day's clock.
      const { clock } = await dayState(env, handle);
      const realAt = clock.realAnchorMs + (at('D-1 17:20') - clock.virtualAnchorMs) * clock.scale;
      await db
        .collection('phase3_completion')
        .doc(gameDate)
        .set({ _triggered: true, _triggered_at: Timestamp.fromMillis(realAt), _trigger_reason: 'all_complete' });
      await skipTo(env, handle, config, gameDate, 'D-1 17:05');
      const early = completion(config, 4, 'player_daily_cache', gameDate, at('D-1 17:10'));
      await deliver(env, handle, [
        completion(config, 3, 'upcoming_player_game_context', gameDate, at('D-1 17:05')),
        early,
      ]);
      await skipTo(env, handle, config, gameDate, 'D-1 17:40');
      const waiting = (await dayState(env, handle)).cycles.tomorrow.steps.find((s) => s.kind === 'phase4');
      expect([waiting?.legacy?.outcome, waiting?.status]).toEqual(['legacy', 'WAITING']);
      const triggered = completion(config, 4, 'player_daily_cache', gameDate, at('D-1 17:45'));
      await deliver(env, handle, [{ ...triggered, execution_id: 'after0001' }], 'late');
      await skipTo(env, handle, config, gameDate, 'D-1 17:50');
      const s = await dayState(env, handle);
      await settle(env, handle);
      return s;
    });
    const step = state.cycles.tomorrow.steps.find((s) => s.kind === 'phase4');
    expect([step?.status, step?.legacy?.legacyAt]).toEqual(['DONE', new Date(at('D-1 17:20')).toISOString()]);
    expect(platform.of('runPrecomputeProcessor')).toHaveLength(0);
  }, 120_000);

  test('shadow: Gameday records what it would do and triggers nothing, and writes nothing', async () => {
    const gameDate = '2026-01-22';
    const config = await configFor(gameDate, 'shadow');
    const { platform, activities } = platformFor(config);
    const { state } = await tomorrowPhase4(config, gameDate, activities);
    const step = state.cycles.tomorrow.steps.find((s) => s.kind === 'phase4');
    expect(step?.legacy?.outcome).toBe('would-trigger');
    expect(step?.status).toBe('SKIPPED');
    expect(step?.outcome).toMatch(/shadow mode: Gameday would trigger/);
    for (const name of TRIGGER_ACTIVITIES) expect(platform.of(name)).toHaveLength(0);
    expect((await db.collection('phase3_completion').doc(gameDate).get()).exists).toBe(false);
    expect(platform.executionLog.some((e) => e.status === 'legacy_would_trigger')).toBe(true);
  }, 120_000);

  test('off: no claim is scheduled, nothing is recorded of the legacy', async () => {
    const gameDate = '2026-01-23';
    const config = await configFor(gameDate, 'off');
    const { platform, activities } = platformFor(config);
    const { state, handle } = await tomorrowPhase4(config, gameDate, activities);
    const step = state.cycles.tomorrow.steps.find((s) => s.kind === 'phase4');
    expect(step?.legacy).toBeUndefined();
    expect(step?.status).toBe('DONE');
    expect(platform.of('claimLegacyTrigger')).toHaveLength(0);
    const history = await env.client.workflow.getHandle(handle.workflowId).fetchHistory();
    const scheduled = (history.events ?? [])
      .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)
      .filter(Boolean);
    expect(scheduled).toContain('runPrecomputeProcessor');
    expect(scheduled).not.toContain('claimLegacyTrigger');
  }, 120_000);
});
