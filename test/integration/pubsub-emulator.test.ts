import { PubSub, type Message } from '@google-cloud/pubsub';
import { MockActivityEnvironment } from '@temporalio/testing';
import { loadConfig } from '../../config/load';
import { exportActivities } from '../../activities/platform/export';
import { findPubSubEmulator, startPubSubEmulator, type PubSubEmulator } from '../../scripts/lib/pubsub-emulator';
import { startLocalStack, type LocalStack } from '../../scripts/lib/local-stack';
import { SCENARIOS } from '../../local-platform';
import { pipelineStateQuery } from '../../contracts/workflow-api';
import { quietRuntime } from '../helpers/tools';
import { dateInZone } from '../../domain/dates';

const TODAY = dateInZone(new Date());

/** The real @google-cloud/pubsub client against Google's official Pub/Sub emulator. */
const binary = findPubSubEmulator();
if (!binary) {
  console.warn(
    'SKIPPED: the Pub/Sub emulator (google-cloud-cli-pubsub-emulator) is not installed; set GAMEDAY_PUBSUB_EMULATOR to its path',
  );
}
const describeWithEmulator = binary ? describe : describe.skip;

describeWithEmulator('Pub/Sub emulator', () => {
  let emulator: PubSubEmulator;
  let pubsub: PubSub;
  let stack: LocalStack;
  const config = loadConfig({});

  beforeAll(async () => {
    quietRuntime();
    emulator = await startPubSubEmulator(binary as string);
    process.env.PUBSUB_EMULATOR_HOST = emulator.host;
    // No GCE metadata server here: without this the auth library probes for one and keeps a timer alive.
    process.env.METADATA_SERVER_DETECTION = 'none';
    pubsub = new PubSub({ projectId: config.platform.projectId });
    stack = await startLocalStack({
      scenario: { ...SCENARIOS.happy, gamesByDate: { [TODAY]: 6 } },
      persistent: false,
      randomPorts: true,
      env: {},
      warehouse: false,
    });
  });
  afterAll(async () => {
    await pubsub?.close();
    await stack?.stop();
    await emulator?.stop();
    delete process.env.PUBSUB_EMULATOR_HOST;
  });

  test('the export trigger is published to nba-phase6-export-trigger with the platform contract', async () => {
    const [topic] = await pubsub.createTopic(config.topics.exportTrigger);
    const [subscription] = await topic.createSubscription('export-function');
    const activities = exportActivities(
      {
        config: loadConfig({}, { export: { transport: 'pubsub' } }),
        platform: async () => {
          throw new Error('the pubsub transport must not use HTTP');
        },
      },
      pubsub,
    );
    const received = new Promise<Message>((resolve) => subscription.once('message', resolve));
    const { messageId }: { messageId: string } = await new MockActivityEnvironment().run(
      activities.publishExportTrigger,
      {
        gameDate: '2025-12-29',
        idempotencyKey: 'gameday-2025-12-29:phase6',
        correlationId: 'gameday-2025-12-29',
        kind: 'tonight' as const,
        updateLatest: false,
      },
    );
    const message = await received;
    message.ack();
    await subscription.close();
    expect(message.id).toBe(messageId);
    expect(message.attributes).toEqual({ idempotency_key: 'gameday-2025-12-29:phase6' });
    expect(JSON.parse(message.data.toString())).toEqual({
      export_types: config.export.tonightTypes,
      target_date: '2025-12-29',
      update_latest: false,
      correlation_id: 'gameday-2025-12-29',
      trigger_source: 'gameday',
    });
  });

  test('a completion published to the analytics topic reaches the workflow through a push subscription and the bridge', async () => {
    const [topic] = await pubsub.createTopic(config.topics[3]);
    await topic.createSubscription('gameday-bridge', { pushConfig: { pushEndpoint: stack.bridge.pushUrl } });
    // Bytes as the platform's Python publisher writes them (json.dumps), not JSON.stringify's.
    const data = `{"processor_name": "AsyncUpcomingPlayerGameContextProcessor", "phase": "phase_3_analytics", "execution_id": "e07b5f32", "correlation_id": "e07b5f32", "game_date": "${TODAY}", "output_table": "upcoming_player_game_context", "output_dataset": "nba_analytics", "status": "success", "record_count": 310, "records_failed": 0, "timestamp": "${new Date().toISOString().replace('Z', '000+00:00')}", "duration_seconds": 19.002, "trigger_source": "manual", "metadata": {"is_incremental": false, "entities_changed_count": null}}`;
    await topic.publishMessage({ data: Buffer.from(data) });
    const handle = stack.client.workflow.getHandle(`gameday-${TODAY}`);
    let recordCount: number | undefined;
    for (let i = 0; i < 100 && recordCount === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      recordCount = await handle
        .query(pipelineStateQuery)
        .then((state) => state.processors['3:upcoming_player_game_context']?.runs[0]?.recordCount)
        .catch(() => undefined);
    }
    expect(recordCount).toBe(310);
    await handle.terminate('test done');
  });
});
