import type { GamedayConfig } from '../../config/schema';
import type { PlatformClient } from './http';

export interface PlatformDeps {
  config: GamedayConfig;
  platform: PlatformClient;
}

/** Every trigger carries the key (workflow ID + phase [+ processor]) and the workflow ID as correlation. */
export interface TriggerRequest {
  gameDate: string;
  idempotencyKey: string;
  correlationId: string;
}
