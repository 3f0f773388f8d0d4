import { randomUUID } from 'node:crypto';
import { PubSub } from '@google-cloud/pubsub';
import type { PlatformDeps, TriggerRequest } from './types';

export interface ExportTriggerMessage {
  export_types: string[];
  target_date: string;
  update_latest: true;
  correlation_id: string;
  trigger_source: string;
}

/**
 * Phase 6: the export trigger message to `nba-phase6-export-trigger`. With the `pubsub` transport it is
 * published with the Pub/Sub client (the emulator when PUBSUB_EMULATOR_HOST is set); with `push` it is
 * posted as the push envelope a subscription would deliver to the export function.
 */
export function exportActivities({ config, platform }: PlatformDeps, client?: PubSub) {
  let pubsub = client;
  return {
    async publishExportTrigger(request: TriggerRequest): Promise<{ messageId: string }> {
      const message: ExportTriggerMessage = {
        export_types: config.export.exportTypes,
        target_date: request.gameDate,
        update_latest: true,
        correlation_id: request.correlationId,
        trigger_source: 'gameday',
      };
      const attributes = { idempotency_key: request.idempotencyKey };
      if (config.export.transport === 'pubsub') {
        pubsub ??= new PubSub({ projectId: config.platform.projectId });
        const messageId = await pubsub.topic(config.topics.exportTrigger).publishMessage({ json: message, attributes });
        return { messageId };
      }
      const messageId = randomUUID();
      await platform({
        method: 'POST',
        url: config.platform.exportPushUrl,
        idempotencyKey: request.idempotencyKey,
        body: {
          message: {
            data: Buffer.from(JSON.stringify(message)).toString('base64'),
            messageId,
            publishTime: new Date().toISOString(),
            attributes,
          },
          subscription: `projects/${config.platform.projectId}/subscriptions/${config.topics.exportTrigger}-export`,
        },
      });
      return { messageId };
    },
  };
}
