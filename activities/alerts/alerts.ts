import { log } from '@temporalio/activity';
import type { AlertRecord } from '../../domain/pipeline-state';

export interface AlertRequest extends AlertRecord {
  gameDate: string;
  workflowId: string;
}

/** Where alerts go. The log always; the alerts issue adds Slack and email channels. */
export type AlertChannel = (alert: AlertRequest) => Promise<void>;

export const logChannel: AlertChannel = async (alert) => {
  log.warn(`ALERT ${alert.kind} ${alert.gameDate}: ${alert.message}`, { key: alert.key, fix: alert.fixCommand });
};

export function alertActivities(channels: AlertChannel[] = [logChannel]) {
  return {
    async raiseAlert(alert: AlertRequest): Promise<void> {
      for (const channel of channels) await channel(alert);
    },
  };
}
