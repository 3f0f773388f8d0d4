import type { GamedayConfig } from '../config/schema';
import { alertActivities, type AlertChannel, logChannel } from './alerts/alerts';
import { analyticsActivities } from './platform/analytics';
import { exportActivities } from './platform/export';
import { createPlatformClient, type PlatformClient } from './platform/http';
import { precomputeActivities } from './platform/precompute';
import { predictionActivities } from './platform/predictions';
import { scheduleActivities } from './platform/schedule';
import { settingsActivities } from './settings';

export interface ActivityDeps {
  platform?: PlatformClient;
  alertChannels?: AlertChannel[];
}

/** Every activity the pipeline calls, bound to one config. */
export function createActivities(config: GamedayConfig, deps: ActivityDeps = {}) {
  const platform = deps.platform ?? createPlatformClient(config);
  const platformDeps = { config, platform };
  return {
    ...settingsActivities(config),
    ...scheduleActivities(platformDeps),
    ...analyticsActivities(platformDeps),
    ...precomputeActivities(platformDeps),
    ...predictionActivities(platformDeps),
    ...exportActivities(platformDeps),
    ...alertActivities(deps.alertChannels ?? [logChannel]),
  };
}

export type PipelineActivities = ReturnType<typeof createActivities>;
export type { AnalyticsTrigger } from './platform/analytics';
export type { PrecomputeRun, PrecomputeResult } from './platform/precompute';
export type { PredictionStart, PredictionBatchStatus } from './platform/predictions';
export type { AlertRequest } from './alerts/alerts';
