/**
 * Pull mode, for networks where Pub/Sub cannot push to the bridge: the bridge pulls its subscriptions with
 * @google-cloud/pubsub and hands each message to the same path a push takes. A 2xx answer acks; 429/503 (Temporal
 * unreachable or throttling) nacks, so Pub/Sub redelivers. The subscription's own IAM authenticates the pull.
 * Phase detection reads the subscription name first, as for pushes: name each one after its topic
 * (`nba-phase3-analytics-complete-gameday`), or the message's own `phase` field decides.
 */
import type { Message, PubSub, Subscription } from '@google-cloud/pubsub';
import type { BridgeServer } from './server';

export interface PullOptions {
  bridge: Pick<BridgeServer, 'deliver'>;
  pubsub: PubSub;
  /** Subscription names (or full paths) to pull. */
  subscriptions: string[];
  /** Messages in flight per subscription (flow control). */
  maxMessages?: number;
  log?: (line: string) => void;
}

export interface PullBridge {
  close(): Promise<void>;
}

export function startPulling(options: PullOptions): PullBridge {
  const log = options.log ?? (() => undefined);
  const subscriptions: Subscription[] = options.subscriptions.map((name) => {
    const subscription = options.pubsub.subscription(name, {
      flowControl: { maxMessages: options.maxMessages ?? 100, allowExcessMessages: false },
    });
    subscription.on('message', (message: Message) => {
      void handle(subscription, message);
    });
    subscription.on('error', (err: Error) => log(`pull ${name}: ${err.message}`));
    return subscription;
  });

  async function handle(subscription: Subscription, message: Message): Promise<void> {
    try {
      const answer = await options.bridge.deliver({
        message: {
          data: message.data.toString('base64'),
          messageId: message.id,
          publishTime: message.publishTime.toISOString(),
          attributes: message.attributes,
        },
        subscription: subscription.name,
        deliveryAttempt: message.deliveryAttempt || undefined,
      });
      if (answer.status >= 200 && answer.status < 300) message.ack();
      else message.nack();
    } catch (err) {
      log(`pull ${subscription.name}: message ${message.id} not handled: ${(err as Error).message}`);
      message.nack();
    }
  }

  return {
    close: async () => {
      await Promise.all(subscriptions.map((s) => s.close()));
    },
  };
}
