/**
 * Import of in-flight dates from the legacy documents (official Firestore emulator): a half-complete date gets
 * exactly the completions its workflow has not counted; an import repeated delivers nothing; a date without a
 * workflow is started by the import (signal-with-start, as the bridge does).
 */
import { randomUUID } from 'node:crypto';
import { FieldValue, type Firestore } from '@google-cloud/firestore';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { importLegacyDate } from '../../clients/legacy-import';
import { startOrAttach, workflowIdFor } from '../../clients/pipeline-client';
import { processorCompletedSignal, pipelineStateQuery } from '../../contracts/workflow-api';
import { addDays } from '../../domain/dates';
import { dayConfig, workflowBundle } from '../helpers/day-harness';
import { fakePlatform } from '../helpers/fake-platform';
import {
  describeWithFirestoreEmulator,
  startFirestoreEmulator,
  type FirestoreEmulator,
} from '../helpers/firestore-emulator';
import { completion } from '../helpers/messages';
import { createTimeSkippingEnv } from '../helpers/tools';

const PROJECT = 'gameday-import-test';
const describeWithEmulator = describeWithFirestoreEmulator('the legacy import tests');

describeWithEmulator('gameday import-legacy', () => {
  let env: TestWorkflowEnvironment;
  let emulator: FirestoreEmulator;
  let db: Firestore;

  beforeAll(async () => {
    [env, emulator] = await Promise.all([createTimeSkippingEnv(), startFirestoreEmulator()]);
    db = emulator.client(PROJECT);
  }, 120_000);
  afterAll(async () => {
    await env?.teardown();
    await emulator?.stop();
  });

  const entry = (executionId: string, status = 'success') => ({
    completed_at: FieldValue.serverTimestamp(),
    correlation_id: 'c0ffee00',
    status,
    record_count: 30,
    execution_id: executionId,
  });

  test('a half-complete legacy date gets exactly the missing completions, once', async () => {
    const gameDate = '2026-02-10';
    const id = randomUUID().slice(0, 8);
    const config = await dayConfig(env, gameDate, 'D-1 16:55', {
      temporal: { taskQueue: `import-${id}`, workflowIdPrefix: `imp${id}-` },
      legacy: { mode: 'coexist', firestore: { projectId: PROJECT } },
    });
    await db
      .collection('phase3_completion')
      .doc(gameDate)
      .set({
        upcoming_player_game_context: entry('aaaa0001'),
        upcoming_team_game_context: entry('aaaa0002'),
        team_defense_game_summary: entry('aaaa0003'),
        mystery_processor: entry('aaaa0004'),
        _completed_count: 4,
        _mode: 'tomorrow',
        _triggered: true,
        _triggered_at: FieldValue.serverTimestamp(),
        _trigger_reason: 'critical_plus_majority_100pct',
      });
    await db
      .collection('phase4_completion')
      .doc(gameDate)
      .set({ player_daily_cache: entry('bbbb0001'), _first_completion_at: new Date().toISOString() });
    const yesterday = addDays(gameDate, -1);
    await db
      .collection('phase3_completion')
      .doc(yesterday)
      .set({ player_game_summary: entry('cccc0001') });

    const platform = fakePlatform({ config, client: env.client });
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: config.temporal.taskQueue,
      workflowBundle: await workflowBundle(),
      activities: platform.activities,
    });
    await worker.runUntil(async () => {
      const { handle } = await startOrAttach(env.client, config, { gameDate });
      await handle.signal(
        processorCompletedSignal,
        completion(config, 3, 'upcoming_player_game_context', gameDate, Date.now(), { execution_id: 'aaaa0001' }),
        { messageId: 'platform-msg-1' },
      );

      const first = await importLegacyDate(env.client, db, config, gameDate, { user: 'test' });
      const outcome = Object.fromEntries(first.completions.map((c) => [`${c.phase}:${c.processor}`, c.outcome]));
      expect(outcome).toEqual({
        '3:upcoming_player_game_context': 'already-counted',
        '3:upcoming_team_game_context': 'delivered',
        '3:team_defense_game_summary': 'delivered',
        '3:mystery_processor': 'unknown-processor',
        '4:player_daily_cache': 'delivered',
      });
      expect(first.delivered).toBe(3);
      expect(first.legacy.phase3).toMatchObject({ found: true, triggered: true });

      const state = await handle.query(pipelineStateQuery);
      for (const key of ['3:upcoming_team_game_context', '3:team_defense_game_summary', '4:player_daily_cache']) {
        expect(state.processors[key]?.runs.map((r) => r.executionId)).toEqual([
          { '3:upcoming_team_game_context': 'aaaa0002', '3:team_defense_game_summary': 'aaaa0003' }[key] ?? 'bbbb0001',
        ]);
      }
      expect(state.processors['3:upcoming_player_game_context']?.runs).toHaveLength(1);

      const again = await importLegacyDate(env.client, db, config, gameDate, { user: 'test' });
      expect(again.delivered).toBe(0);
      expect(again.completions.filter((c) => c.outcome === 'delivered')).toEqual([]);

      // No workflow for yesterday yet: the import starts it, as the bridge's signal-with-start does.
      const started = await importLegacyDate(env.client, db, config, yesterday, { user: 'test' });
      expect(started).toMatchObject({ existed: false, delivered: 1 });
      const yesterdayState = await env.client.workflow
        .getHandle(workflowIdFor(config, yesterday))
        .query(pipelineStateQuery);
      expect(yesterdayState.processors['3:player_game_summary']?.runs[0]?.executionId).toBe('cccc0001');
      for (const date of [gameDate, yesterday]) {
        await env.client.workflow
          .getHandle(workflowIdFor(config, date))
          .terminate('test over')
          .catch(() => undefined);
      }
    });
  }, 120_000);
});
