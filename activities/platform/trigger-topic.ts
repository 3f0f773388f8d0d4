import { randomUUID } from 'node:crypto';
import type { PubSub } from '@google-cloud/pubsub';
import type { PlatformDeps } from './types';

/**
 * Publishes a trigger message to one of the platform's trigger topics. With the `pubsub` transport it goes through
 * the Pub/Sub client (the emulator when PUBSUB_EMULATOR_HOST is set); with `push` it is posted as the push envelope
 * the topic's subscription would deliver (the local platform's functions take those).
 */
export function topicPublisher({ config, platform }: PlatformDeps, client?: PubSub) {
  let pubsub = client;
  return async (options: {
    topic: string;
    pushUrl: string;
    subscription: string;
    message: unknown;
    idempotencyKey: string;
  }): Promise<string> => {
    const attributes = { idempotency_key: options.idempotencyKey };
    if (config.export.transport === 'pubsub') {
      pubsub ??= new (pubSubPackage().PubSub)({ projectId: config.platform.projectId });
      return pubsub.topic(options.topic).publishMessage({ json: options.message, attributes });
    }
    const messageId = randomUUID();
    await platform({
      method: 'POST',
      url: options.pushUrl,
      idempotencyKey: options.idempotencyKey,
      body: {
        message: {
          data: Buffer.from(JSON.stringify(options.message)).toString('base64'),
          messageId,
          publishTime: new Date().toISOString(),
          attributes,
        },
        subscription: `projects/${config.platform.projectId}/subscriptions/${options.subscription}`,
      },
    });
    return messageId;
  };
}

/** Loaded on first use: a worker that posts its triggers (the `push` transport) never loads it (about 38 MB). */
function pubSubPackage(): typeof import('@google-cloud/pubsub') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@google-cloud/pubsub') as typeof import('@google-cloud/pubsub');
}
