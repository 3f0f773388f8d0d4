import type { RunSettings } from '../domain/run-settings';
import { PHASES } from '../domain/phases';
import type { GamedayConfig } from './schema';

const MINUTE = 60_000;

/** The workflow-facing part of the config. Durations stay in the day's time; `clock.scale` turns them into real waits. */
export function toRunSettings(config: GamedayConfig): RunSettings {
  const slaMinutes = (phase: number): number => config.sla.perPhase[String(phase) as '1'] ?? config.sla.defaultMinutes;
  const { lifecycle } = config;
  return {
    timeZone: config.timeZone,
    workflowIdPrefix: config.temporal.workflowIdPrefix,
    clock: { scale: config.timeScale, ...config.clock },
    lifecycle,
    catalog: {
      processors: {
        1: config.processors[1],
        2: config.processors[2],
        3: config.processors[3],
        4: config.processors[4],
        5: config.processors[5],
      },
      topics: config.topics,
    },
    precompute: config.processors[4].map((p) => ({ ...p, dependsOn: p.dependsOn ?? [] })),
    partialTriggerAfterMs: config.quorum.partialTriggerAfterMinutes * MINUTE,
    tiers: config.phase4To5.tiers.map((t) => ({ minComplete: t.minComplete, afterMs: t.afterMinutes * MINUTE })),
    slaMs: Object.fromEntries(PHASES.map((p) => [p, slaMinutes(p) * MINUTE])) as RunSettings['slaMs'],
    cycleGraceMs: config.sla.cycleGraceMinutes * MINUTE,
    precomputeTimeoutMs: config.platform.precomputeTimeoutSeconds * 1000,
    gateRecheckMs: config.warehouse.gates.recheckMinutes * MINUTE,
    forbiddenRecheckMs: config.platform.forbiddenRecheckMinutes * MINUTE,
    predictionPollMs: config.predictions.pollIntervalSeconds * 1000,
    predictionStallMs: config.predictions.stallMinutes * MINUTE,
    minCompletionPct: config.predictions.minCompletionPct,
    minActivePredictions: config.predictions.minActivePredictions,
    afterEachBatchExport: lifecycle.same_day.tonightExports.afterEachBatch,
    rememberedMessageIds: config.limits.messageIds,
    maxHistoryEvents: config.limits.historyEvents,
    legacyMode: config.legacy.mode,
  };
}
