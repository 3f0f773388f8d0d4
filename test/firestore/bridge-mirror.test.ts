/**
 * Primary mode: the bridge mirrors each phase-3/4 completion it delivered into the legacy document (official
 * Firestore emulator), so the tools that read them keep working; other modes write nothing.
 */
import type { Firestore } from '@google-cloud/firestore';
import type { Client } from '@temporalio/client';
import { startBridge } from '../../bridge/server';
import { loadConfig } from '../../config/load';
import { dateInZone } from '../../domain/dates';
import {
  describeWithFirestoreEmulator,
  startFirestoreEmulator,
  type FirestoreEmulator,
} from '../helpers/firestore-emulator';
import { completion } from '../helpers/messages';

const PROJECT = 'gameday-mirror-test';
const describeWithEmulator = describeWithFirestoreEmulator('the bridge mirror tests');

const client = {
  withDeadline: <T>(_deadline: number, fn: () => Promise<T>) => fn(),
  workflow: {
    signalWithStart: (_type: string, options: { workflowId: string }) =>
      Promise.resolve({ workflowId: options.workflowId, signaledRunId: 'run-1' }),
    getHandle: () => ({ signal: () => Promise.resolve() }),
  },
} as unknown as Client;

describeWithEmulator('the bridge and the legacy documents', () => {
  let emulator: FirestoreEmulator;
  let db: Firestore;
  beforeAll(async () => {
    emulator = await startFirestoreEmulator();
    db = emulator.client(PROJECT);
  }, 120_000);
  afterAll(async () => {
    await emulator?.stop();
  });

  async function pushAll(mode: 'primary' | 'coexist', gameDate: string) {
    const config = loadConfig({}, { bridge: { port: 0 }, legacy: { mode, firestore: { projectId: PROJECT } } });
    const bridge = await startBridge({ client, config, firestore: db });
    const at = Date.now();
    const messages: [3 | 4, string, string][] = [
      [3, 'upcoming_player_game_context', 'success'],
      [3, 'upcoming_team_game_context', 'failed'],
      [4, 'ml_feature_store', 'success'],
    ];
    let n = 0;
    for (const [phase, name, status] of messages) {
      const data = completion(config, phase, name, gameDate, at, {
        status: status as 'success',
        execution_id: `e000000${n}`,
      });
      const res = await fetch(bridge.pushUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          message: { data: Buffer.from(JSON.stringify(data)).toString('base64'), messageId: `m-${mode}-${(n += 1)}` },
          subscription: `projects/p/subscriptions/${config.topics[phase]}-gameday`,
        }),
      });
      expect(res.status).toBe(200);
    }
    await bridge.close();
  }

  test('primary: counted completions are written in the legacy shape, failures are not', async () => {
    const gameDate = dateInZone(new Date());
    await pushAll('primary', gameDate);
    const phase3 = (await db.collection('phase3_completion').doc(gameDate).get()).data();
    expect(phase3?.upcoming_player_game_context).toMatchObject({ status: 'success', execution_id: 'e0000000' });
    expect(phase3?.upcoming_team_game_context).toBeUndefined();
    expect(phase3).toMatchObject({ _completed_count: 1, _mode: 'same_day' });
    const phase4 = (await db.collection('phase4_completion').doc(gameDate).get()).data();
    expect(phase4?.ml_feature_store).toMatchObject({ status: 'success', execution_id: 'e0000002' });
  });

  test('coexist: the legacy functions write their own documents; the bridge writes nothing', async () => {
    const gameDate = dateInZone(Date.now() + 86_400_000);
    await pushAll('coexist', gameDate);
    expect((await db.collection('phase3_completion').doc(gameDate).get()).exists).toBe(false);
    expect((await db.collection('phase4_completion').doc(gameDate).get()).exists).toBe(false);
  });
});
