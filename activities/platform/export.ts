import type { PubSub } from '@google-cloud/pubsub';
import type { ExportKind } from '../../domain/exports';
import { topicPublisher } from './trigger-topic';
import type { PlatformDeps, TriggerRequest } from './types';

export interface ExportTriggerMessage {
  export_types: string[];
  target_date: string;
  /** Always sent: the export function's default is true, and only the newest date may overwrite "latest". */
  update_latest: boolean;
  correlation_id: string;
  trigger_source: string;
}

export interface ExportRequest extends TriggerRequest {
  kind: ExportKind;
  updateLatest: boolean;
}

/** Phase 6: the export trigger message to `nba-phase6-export-trigger` (tonight's picks, or D's results). */
export function exportActivities(deps: PlatformDeps, client?: PubSub) {
  const publish = topicPublisher(deps, client);
  const { config } = deps;
  return {
    async publishExportTrigger(request: ExportRequest): Promise<{ messageId: string; exportTypes: string[] }> {
      const exportTypes = request.kind === 'tonight' ? config.export.tonightTypes : config.export.resultsTypes;
      const message: ExportTriggerMessage = {
        export_types: exportTypes,
        target_date: request.gameDate,
        update_latest: request.updateLatest,
        correlation_id: request.correlationId,
        trigger_source: 'gameday',
      };
      const messageId = await publish({
        topic: config.topics.exportTrigger,
        pushUrl: config.platform.exportPushUrl,
        subscription: `${config.topics.exportTrigger}-export`,
        message,
        idempotencyKey: request.idempotencyKey,
      });
      return { messageId, exportTypes };
    },
  };
}
