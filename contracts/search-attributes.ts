import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Search attributes every date's workflow keeps current, so the Temporal UI can list e.g. every STUCK date. */
export const GameDateKey = defineSearchAttributeKey('GameDate', SearchAttributeType.KEYWORD);
export const PipelineCycleKey = defineSearchAttributeKey('PipelineCycle', SearchAttributeType.KEYWORD);
export const PipelinePhaseKey = defineSearchAttributeKey('PipelinePhase', SearchAttributeType.KEYWORD);
export const PipelineStatusKey = defineSearchAttributeKey('PipelineStatus', SearchAttributeType.KEYWORD);

export const PIPELINE_SEARCH_ATTRIBUTES = [GameDateKey, PipelineCycleKey, PipelinePhaseKey, PipelineStatusKey];
