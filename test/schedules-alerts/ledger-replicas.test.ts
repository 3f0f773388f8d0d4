/**
 * The alert ledger across worker replicas, on the official Firestore emulator: replicas raising the same alert at
 * once send it once per channel; a replica whose send failed releases its claim, and another replica's retry
 * delivers it; a claim left by a replica that died mid-send expires after its lease.
 */
import type { Firestore } from '@google-cloud/firestore';
import { alertActivities, deliver, type Notification } from '../../activities/alerts/alerts';
import { firestoreDeliveryLedger } from '../../activities/alerts/firestore-ledger';
import { loadConfig } from '../../config/load';
import {
  describeWithFirestoreEmulator,
  startFirestoreEmulator,
  type FirestoreEmulator,
} from '../helpers/firestore-emulator';

const PROJECT = 'gameday-ledger-test';
const COLLECTION = 'gameday_alert_deliveries';
const describeWithEmulator = describeWithFirestoreEmulator('the shared alert ledger tests');

describeWithEmulator('the alert ledger shared by worker replicas (Firestore emulator)', () => {
  let emulator: FirestoreEmulator;
  const replicas: Firestore[] = [];
  beforeAll(async () => {
    emulator = await startFirestoreEmulator();
    // Three worker processes: three clients of their own.
    for (let i = 0; i < 3; i++) replicas.push(emulator.client(PROJECT));
  }, 120_000);
  afterAll(async () => {
    await emulator?.stop();
  });

  const ledgerOf = (i: number, leaseMs = 60_000) =>
    firestoreDeliveryLedger({ firestore: replicas[i], collection: COLLECTION, leaseMs, owner: `replica-${i}` });

  test('three replicas raising the same 20 alerts at once: each reaches each channel exactly once', async () => {
    const sent: string[] = [];
    const channels = ['slack', 'email'].map((name) => ({
      name,
      send: async (n: Notification) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        sent.push(`${name}:${n.key}`);
      },
    }));
    const config = loadConfig({}, {});
    const raises = [];
    for (let alert = 0; alert < 20; alert++) {
      for (let replica = 0; replica < 3; replica++) {
        const { raiseAlert } = alertActivities({ channels, ledger: ledgerOf(replica), config });
        raises.push(
          raiseAlert({
            key: `stuck:phase4:${alert}`,
            kind: 'STEP_STUCK',
            message: `2026-01-15: phase 4 is stuck (${alert})`,
            raisedAt: '2026-01-15T12:00:00Z',
            gameDate: '2026-01-15',
            workflowId: 'gameday-2026-01-15',
            dedupeScope: 'chain-1',
          }),
        );
      }
    }
    await Promise.all(raises);
    expect(sent).toHaveLength(40);
    expect(new Set(sent).size).toBe(40);
  }, 60_000);

  test("a failed send is released: another replica's retry delivers it, once", async () => {
    const sent: string[] = [];
    const flaky = { fail: true };
    const channel = (replica: number) => ({
      name: 'slack',
      send: async (n: Notification) => {
        if (replica === 0 && flaky.fail) throw new Error('slack 503');
        sent.push(`${replica}:${n.key}`);
      },
    });
    const notification = { key: 'circuit-open:precompute:2026-01-15T12:00', subject: 'CIRCUIT_OPEN', text: 'x' };
    await expect(deliver([channel(0)], ledgerOf(0), notification)).rejects.toThrow('slack 503');
    expect(await deliver([channel(1)], ledgerOf(1), notification)).toMatchObject({ sent: ['slack'] });
    expect(await deliver([channel(2)], ledgerOf(2), notification)).toMatchObject({ alreadySent: ['slack'] });
    flaky.fail = false;
    expect(await deliver([channel(0)], ledgerOf(0), notification)).toMatchObject({ alreadySent: ['slack'] });
    expect(sent).toEqual([`1:${notification.key}`]);
  });

  test('a claim left by a replica that died mid-send expires after its lease', async () => {
    const key = 'day-gaps:2026-01-15';
    expect(await ledgerOf(0, 200).claim('email', key)).toBe(true);
    // Replica 0 died before recording: within the lease nobody else sends, after it one replica takes over.
    expect(await ledgerOf(1, 200).claim('email', key)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const [a, b] = await Promise.all([ledgerOf(1, 200).claim('email', key), ledgerOf(2, 200).claim('email', key)]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
  });
});
