import type { RunSettings } from '../domain/run-settings';
import { PHASES } from '../domain/phases';
import type { GamedayConfig } from './schema';

const MINUTE = 60_000;

/** The workflow-facing part of the config, with timers scaled by `timeScale`. */
export function toRunSettings(config: GamedayConfig): RunSettings {
  const scale = (ms: number): number => Math.max(1, Math.round(ms * config.timeScale));
  const slaMinutes = (phase: number): number => config.sla.perPhase[String(phase) as '1'] ?? config.sla.defaultMinutes;
  return {
    timeZone: config.timeZone,
    workflowIdPrefix: config.temporal.workflowIdPrefix,
    processors: {
      1: config.processors[1],
      2: config.processors[2],
      3: config.processors[3],
      4: config.processors[4].map((p) => ({ ...p, dependsOn: p.dependsOn ?? [] })),
      5: config.processors[5],
    },
    modes: config.modes,
    partialTriggerAfterMs: scale(config.quorum.partialTriggerAfterMinutes * MINUTE),
    minimumComplete: config.quorum.minimumComplete,
    slaMs: Object.fromEntries(PHASES.map((p) => [p, scale(slaMinutes(p) * MINUTE)])) as RunSettings['slaMs'],
    predictionPollMs: scale(config.predictions.pollIntervalSeconds * 1000),
    predictionMaxWaitMs: scale(config.predictions.maxWaitMinutes * MINUTE),
    minCompletionPct: config.predictions.minCompletionPct,
    deadlineET: config.predictions.deadlineET,
    operatorWaitMs: scale(config.operatorWaitHours * 60 * MINUTE),
  };
}
