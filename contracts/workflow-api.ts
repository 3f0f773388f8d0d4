/**
 * The game date workflow's interface, shared by the workflow, the bridge, the CLI, self-heal and tests: its type
 * name, input, signals (platform events), query and updates (operator actions, with validators).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Cycle } from '../domain/cycles';
import type { Delivery } from '../domain/messages';
import type { PhaseNumber } from '../domain/phases';
import type { DayState } from './state';

export const PIPELINE_WORKFLOW_TYPE = 'gameDatePipeline';

export interface PipelineInput {
  gameDate: string;
  /** Begin at this cycle, skipping earlier ones; default: the cycle the day's clock is in. */
  cycle?: Cycle;
  /** Who started it, for the record: schedule, bridge, cli, rerun, backfill, self-heal. */
  startedBy?: string;
  /** Continue-as-new: the day so far (the same date, the next cycle or the same one). */
  carried?: DayState;
}

/** The workflow's signature, for typed handles without importing workflow code. */
export type GameDatePipelineWorkflow = (input: PipelineInput) => Promise<DayState>;

/** A platform message exactly as published, with what its Pub/Sub delivery said (message ID, subscription). */
export const processorCompletedSignal = defineSignal<[unknown, Delivery?]>('processorCompleted');

export const pipelineStateQuery = defineQuery<DayState>('pipelineState');

export interface ForcePhaseRequest {
  phase: PhaseNumber;
  reason: string;
  skipGates?: boolean;
  /** Who asked; the CLI fills it from the OS user. */
  user?: string;
}

/** What a force did, as the workflow applied it: the answer comes once it is applied, not before. */
export interface ForcePhaseResult {
  applied: boolean;
  /** In words: "phase 4 of same_day started now (phase 3 forced: 0/1 complete)". */
  outcome: string;
  step?: string;
  state: DayState;
}

export const forcePhaseUpdate = defineUpdate<ForcePhaseResult, [ForcePhaseRequest]>('forcePhase');

/** An operator action done outside the workflow (a reset), recorded in the day's record. */
export interface RecordActionRequest {
  action: 'reset' | 'note';
  reason: string;
  user?: string;
  /** Operator actions a reset discarded, so the record keeps them. */
  discarded?: { at: string; action: string; phase?: number; reason: string; user: string }[];
}

export const recordActionUpdate = defineUpdate<DayState, [RecordActionRequest]>('recordOperatorAction');
