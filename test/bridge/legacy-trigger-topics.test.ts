/**
 * The shadow report's view of the legacy's trigger topics, on the official Pub/Sub emulator: the trigger messages
 * are read without being consumed (a second read sees them again), grouped per date and phase; a date whose
 * document latched `_triggered` with no message is reported as latched without publishing.
 */
import { PubSub } from '@google-cloud/pubsub';
import { peekLegacyTriggers } from '../../clients/legacy-trigger-topics';
import { compare } from '../../clients/shadow-report';
import { findPubSubEmulator, startPubSubEmulator, type PubSubEmulator } from '../../scripts/lib/pubsub-emulator';

const binary = findPubSubEmulator();
if (!binary) console.warn('SKIPPED: the trigger-topic peek needs the Pub/Sub emulator');
const describeWithEmulator = binary ? describe : describe.skip;
const PROJECT = 'nba-props-platform';

describeWithEmulator("the legacy's trigger topics", () => {
  let emulator: PubSubEmulator;
  let pubsub: PubSub;
  beforeAll(async () => {
    emulator = await startPubSubEmulator(binary as string);
    process.env.PUBSUB_EMULATOR_HOST = emulator.host;
    process.env.METADATA_SERVER_DETECTION = 'none';
    pubsub = new PubSub({ projectId: PROJECT });
  }, 90_000);
  afterAll(async () => {
    await pubsub?.close();
    await emulator?.stop();
    delete process.env.PUBSUB_EMULATOR_HOST;
  });

  test('trigger messages are counted per date and phase, and stay for the next report', async () => {
    const [phase4] = await pubsub.createTopic('nba-phase4-trigger');
    await phase4.createSubscription('nba-phase4-trigger-gameday-shadow');
    const [phase5] = await pubsub.createTopic('nba-predictions-trigger');
    await phase5.createSubscription('nba-predictions-trigger-gameday-shadow');
    for (const table of ['player_game_summary', 'team_defense_game_summary', 'upcoming_player_game_context']) {
      await phase4.publishMessage({
        json: {
          source_table: table,
          game_date: '2026-01-15',
          triggered_by: 'phase3_to_phase4_orchestrator',
          trigger_reason: 'all_complete',
          timestamp: '2026-01-16T09:20:01.004512+00:00',
        },
      });
    }
    await phase5.publishMessage({
      json: {
        game_date: '2026-01-14',
        triggered_by: 'phase4_to_phase5_orchestrator',
        timestamp: '2026-01-14T12:00:00+00:00',
      },
    });
    const subscriptions = [
      { phase: 4 as const, path: `projects/${PROJECT}/subscriptions/nba-phase4-trigger-gameday-shadow` },
      { phase: 5 as const, path: `projects/${PROJECT}/subscriptions/nba-predictions-trigger-gameday-shadow` },
    ];
    const first = await peekLegacyTriggers(subscriptions, { pubsub });
    expect(first.get('2026-01-15/4')).toEqual({
      gameDate: '2026-01-15',
      phase: 4,
      firstAt: '2026-01-16T09:20:01.004Z',
      messages: 3,
      reason: 'all_complete',
    });
    expect(first.get('2026-01-14/5')).toMatchObject({ messages: 1 });
    const again = await peekLegacyTriggers(subscriptions, { pubsub });
    expect(again.get('2026-01-15/4')?.messages).toBe(3);

    const from = Date.parse('2026-01-15T20:00:00Z');
    const to = Date.parse('2026-01-16T14:00:00Z');
    const legacy = { triggered: true, triggeredAt: '2026-01-16T09:20:00.000Z', triggerPending: false, completions: 5 };
    const ran = compare('2026-01-15', 'overnight', 4, legacy, undefined, from, to, first.get('2026-01-15/4'));
    expect(ran.legacy).toMatchObject({ published: { messages: 3 }, latchedWithoutPublishing: false });
    const latched = compare('2026-01-14', 'overnight', 4, legacy, undefined, from, to, null);
    expect(latched.legacy).toMatchObject({ published: { messages: 0 }, latchedWithoutPublishing: true });
  }, 60_000);
});
