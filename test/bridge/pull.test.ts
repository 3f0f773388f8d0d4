/**
 * Pull mode against the official Pub/Sub emulator: a pulled completion takes the push path and is acked once
 * delivered; a transient Temporal failure nacks it and the redelivery is delivered; an unusable message is acked.
 */
import { PubSub } from '@google-cloud/pubsub';
import type { Client } from '@temporalio/client';
import { startPulling, type PullBridge } from '../../bridge/pull';
import { startBridge, type BridgeServer } from '../../bridge/server';
import { loadConfig } from '../../config/load';
import { dateInZone } from '../../domain/dates';
import { findPubSubEmulator, startPubSubEmulator, type PubSubEmulator } from '../../scripts/lib/pubsub-emulator';
import { completion } from '../helpers/messages';

const binary = findPubSubEmulator();
if (!binary) console.warn('SKIPPED: pull mode needs the Pub/Sub emulator (google-cloud-cli-pubsub-emulator)');
const describeWithEmulator = binary ? describe : describe.skip;

describeWithEmulator('bridge pull mode', () => {
  const config = loadConfig({}, { bridge: { port: 0 } });
  const signals: { workflowId: string; messageId?: string }[] = [];
  let failNext = 0;
  const client = {
    withDeadline: <T>(_deadline: number, fn: () => Promise<T>) => fn(),
    workflow: {
      signalWithStart: (
        _type: string,
        options: { workflowId: string; signalArgs: [unknown, { messageId?: string }] },
      ) => {
        if (failNext > 0) {
          failNext -= 1;
          return Promise.reject(new Error('connection refused'));
        }
        signals.push({ workflowId: options.workflowId, messageId: options.signalArgs[1]?.messageId });
        return Promise.resolve({ workflowId: options.workflowId, signaledRunId: 'run-1' });
      },
      getHandle: () => ({ signal: () => Promise.resolve() }),
    },
  } as unknown as Client;
  let emulator: PubSubEmulator;
  let pubsub: PubSub;
  let bridge: BridgeServer;
  let pull: PullBridge;

  beforeAll(async () => {
    emulator = await startPubSubEmulator(binary as string);
    process.env.PUBSUB_EMULATOR_HOST = emulator.host;
    process.env.METADATA_SERVER_DETECTION = 'none';
    pubsub = new PubSub({ projectId: config.platform.projectId });
    const [topic] = await pubsub.createTopic(config.topics[3]);
    await topic.createSubscription(`${config.topics[3]}-gameday`, { ackDeadlineSeconds: 10 });
    bridge = await startBridge({ client, config });
    pull = startPulling({ bridge, pubsub, subscriptions: [`${config.topics[3]}-gameday`] });
  }, 90_000);
  afterAll(async () => {
    await pull?.close();
    await bridge?.close();
    await pubsub?.close();
    await emulator?.stop();
    delete process.env.PUBSUB_EMULATOR_HOST;
  });

  const until = async (check: () => boolean, ms = 30_000) => {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  test('a pulled completion is delivered once; after a transient failure, on its redelivery', async () => {
    const today = dateInZone(new Date());
    const topic = pubsub.topic(config.topics[3]);
    const first = await topic.publishMessage({
      json: completion(config, 3, 'upcoming_player_game_context', today, Date.now()),
    });
    await until(() => signals.length === 1);
    expect(signals[0]).toMatchObject({ messageId: first, workflowId: `${config.temporal.workflowIdPrefix}${today}` });

    failNext = 1;
    const second = await topic.publishMessage({
      json: completion(config, 3, 'upcoming_team_game_context', today, Date.now()),
    });
    await until(() => signals.length === 2);
    expect(signals[1].messageId).toBe(second);
    expect(bridge.stats.view().byOutcome.unavailable).toBe(1);

    await topic.publishMessage({ data: Buffer.from('not json') });
    await until(() => (bridge.stats.view().byOutcome.unusable ?? 0) === 1);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(signals).toHaveLength(2);
    expect(bridge.stats.view().byOutcome.delivered).toBe(2);
  }, 90_000);
});
