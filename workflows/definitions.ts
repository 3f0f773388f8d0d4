/** Signals, queries and updates of the game-date pipeline, shared by the workflow, bridge, CLI and tests. */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CompletionMessage } from '../domain/completion-message';
import type { ForcePhaseRequest, PipelineState } from '../domain/pipeline-state';

export const PIPELINE_WORKFLOW_TYPE = 'gameDatePipeline';

/** A processor's completion message, exactly as the platform published it. */
export const processorCompletedSignal = defineSignal<[CompletionMessage]>('processorCompleted');
export const pipelineStateQuery = defineQuery<PipelineState>('pipelineState');
export const forcePhaseUpdate = defineUpdate<PipelineState, [ForcePhaseRequest]>('forcePhase');
