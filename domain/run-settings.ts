import type { PipelineMode } from './dates';
import type { PhaseNumber } from './phases';
import type { ProcessorSpec } from './processors';

export interface PrecomputeProcessorSpec extends ProcessorSpec {
  dependsOn: string[];
}

export interface WaitRule {
  expected: string[];
  critical: string[];
}

/**
 * What one pipeline run needs from the config, with every duration already scaled to milliseconds.
 * The workflow receives it from a local activity, so it is recorded in history and never re-read on replay.
 * It never holds secrets.
 */
export interface RunSettings {
  timeZone: string;
  workflowIdPrefix: string;
  processors: {
    1: ProcessorSpec[];
    2: ProcessorSpec[];
    3: ProcessorSpec[];
    4: PrecomputeProcessorSpec[];
    5: ProcessorSpec[];
  };
  modes: Record<PipelineMode, Record<1 | 2 | 3, WaitRule>>;
  partialTriggerAfterMs: number;
  minimumComplete: number;
  slaMs: Record<PhaseNumber, number>;
  predictionPollMs: number;
  /** A prediction batch still in progress after this long fails phase 5 (an operator can restart it). */
  predictionMaxWaitMs: number;
  minCompletionPct: number;
  deadlineET: string;
  operatorWaitMs: number;
}

/** The workflow ID of a game date's pipeline. */
export function pipelineWorkflowId(prefix: string, gameDate: string): string {
  return `${prefix}${gameDate}`;
}
