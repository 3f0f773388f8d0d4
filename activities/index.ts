import type { BigQuery } from '@google-cloud/bigquery';
import type { Firestore } from '@google-cloud/firestore';
import type { GamedayConfig } from '../config/schema';
import type { Client } from '@temporalio/client';
import { log } from '@temporalio/activity';
import {
  alertActivities,
  defaultAlertDeps,
  notificationActivities,
  type AlertChannel,
  type AlertDeps,
} from './alerts/alerts';
import { analyticsActivities } from './platform/analytics';
import { exportActivities } from './platform/export';
import { gradingActivities } from './platform/grading';
import { breakerAlerts } from './alerts/breaker-alerts';
import { breakerOptions, createServiceBreakers, type BreakerEvent } from './platform/breaker';
import { createPlatformClient, type PlatformClient } from './platform/http';
import { precomputeActivities } from './platform/precompute';
import { precomputeBehindGateActivities } from './platform/precompute-behind-gate';
import { predictionActivities } from './platform/predictions';
import { scheduleActivities } from './platform/schedule';
import { settingsActivities } from './settings';
import { temporalActivities } from './temporal/operations';
import { warehouseActivities } from './warehouse';
import { legacyActivities } from './firestore';
import { withShadowGuard } from './firestore/shadow-guard';

export interface ActivityDeps {
  platform?: PlatformClient;
  alertChannels?: AlertChannel[];
  /** The BigQuery client of the warehouse activities (default: built from config.warehouse, ADC in production). */
  bigQuery?: BigQuery;
  /** The Firestore client of the legacy-orchestrator activities (default: built from config.legacy when first used). */
  firestore?: Firestore;
  /** Also told of every platform breaker state change (the worker's breaker-state metric). */
  onBreakerStateChange?: (event: BreakerEvent) => void;
}

/** Every activity the pipeline calls, bound to one config. */
export function createActivities(config: GamedayConfig, deps: ActivityDeps = {}) {
  const platform = deps.platform ?? createPlatformClient(config, process.env, platformBreakers(config, deps));
  const platformDeps = { config, platform };
  const {
    countScheduledGames: countScheduledGamesInWarehouse,
    countFinalGames: countFinalGamesInWarehouse,
    ...warehouse
  } = warehouseActivities(config, deps.bigQuery);
  const precompute = precomputeActivities(platformDeps);
  return withShadowGuard(config, {
    ...settingsActivities(config),
    ...scheduleActivities(platformDeps),
    // With the warehouse on, games come from nba_raw.nbac_schedule; the platform's /schedule is the fallback.
    ...(config.warehouse.enabled
      ? { countScheduledGames: countScheduledGamesInWarehouse, countFinalGames: countFinalGamesInWarehouse }
      : {}),
    ...warehouse,
    ...analyticsActivities(platformDeps),
    ...precompute,
    ...precomputeBehindGateActivities({ ...warehouse, ...precompute }),
    ...predictionActivities(platformDeps),
    ...exportActivities(platformDeps),
    ...gradingActivities(platformDeps),
    ...alertActivities(alertDeps(config, deps)),
    ...legacyActivities(config, deps.firestore),
  });
}

export type PipelineActivities = ReturnType<typeof createActivities>;
export type { AnalyticsTrigger } from './platform/analytics';
export type { PrecomputeRun, PrecomputeResult } from './platform/precompute';
export type { GatedPrecomputeRun, GatedPrecomputeOutcome } from './platform/precompute-behind-gate';
export type { PredictionStart, PredictionBatchStatus, PredictionStartRequest } from './platform/predictions';
export type { ExportRequest } from './platform/export';
export type { AlertRequest } from './alerts/alerts';
export type { DataGateRequest, DataGateResult, ExecutionLogEvent, PredictionSummary } from './warehouse';

/** One circuit breaker per platform service for this worker; state changes logged, an opening alerted. */
function platformBreakers(config: GamedayConfig, deps: ActivityDeps) {
  const { channels, ledger } = alertDeps(config, deps);
  const onStateChange = breakerAlerts({
    config,
    channels: channels ?? [],
    ledger: ledger ?? defaultAlertDeps(config).ledger,
    log: (level, message) => log[level](message),
  });
  return createServiceBreakers({
    ...breakerOptions(config),
    onStateChange: (event) => {
      deps.onBreakerStateChange?.(event);
      onStateChange(event);
    },
  });
}

/** Alert channels and ledger: the given channels, else those configured by env/config (shared per config). */
function alertDeps(config: GamedayConfig, deps: OperationsDeps): AlertDeps {
  return deps.alertChannels ? { channels: deps.alertChannels, config } : defaultAlertDeps(config);
}

export interface OperationsDeps {
  alertChannels?: AlertChannel[];
  /** The client the operations activities use (default: the worker's client from the activity Context). */
  client?: Client;
}

/** The activities of the selfHeal, dailySummary and scheduledPipeline workflows: Temporal itself, notifications. */
export function createOperationsActivities(config: GamedayConfig, deps: OperationsDeps = {}) {
  return {
    ...temporalActivities({ config, client: deps.client }),
    ...notificationActivities(alertDeps(config, deps)),
  };
}

export type OperationsActivities = ReturnType<typeof createOperationsActivities>;
export type { Notification, DeliveryOutcome } from './alerts/alerts';
export type { OperationsSettings, PipelineInspection, ForceRequest, ForceOutcome } from './temporal/operations';
