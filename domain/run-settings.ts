import type { ClockSettings } from './clock';
import type { LegacyMode } from './legacy';
import type { LifecycleSpec } from './day-plan';
import type { MessageCatalog } from './messages';
import type { Tier } from './phase4-tiers';
import type { PhaseNumber } from './phases';
import type { ProcessorSpec } from './processors';

export interface PrecomputeProcessorSpec extends ProcessorSpec {
  dependsOn: string[];
}

/**
 * What a date's workflow needs from the config. Durations are in the day's (virtual) time, unscaled: the day's
 * clock turns them into real waits. Read by a local activity, so history records it and replay never re-reads it.
 * It never holds secrets.
 */
export interface RunSettings {
  timeZone: string;
  workflowIdPrefix: string;
  clock: ClockSettings;
  lifecycle: LifecycleSpec;
  catalog: MessageCatalog;
  precompute: PrecomputeProcessorSpec[];
  partialTriggerAfterMs: number;
  tiers: Tier[];
  slaMs: Record<PhaseNumber, number>;
  cycleGraceMs: number;
  /** The platform's phase-4 request timeout: the activity's start-to-close follows it. */
  precomputeTimeoutMs: number;
  gateRecheckMs: number;
  /** Absent in settings recorded before it existed (their runs never recheck a 403). */
  forbiddenRecheckMs?: number;
  predictionPollMs: number;
  predictionStallMs: number;
  minCompletionPct: number;
  minActivePredictions: number;
  afterEachBatchExport: boolean;
  /** How many message IDs the state remembers for deduplication (the bridge remembers more). */
  rememberedMessageIds: number;
  /** Continue-as-new within a cycle once the run's history has this many events. */
  maxHistoryEvents: number;
  /** Coexistence with the legacy Firestore orchestrator; absent in histories recorded before it existed (= off). */
  legacyMode?: LegacyMode;
}

/** The workflow ID of a game date's pipeline. */
export function pipelineWorkflowId(prefix: string, gameDate: string): string {
  return `${prefix}${gameDate}`;
}
