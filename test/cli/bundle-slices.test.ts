/**
 * The CLI bundle replaces @temporalio/workflow's definition helpers with cli/bundle/workflow-definitions.ts
 * (scripts/setup.mjs): they must return what the SDK's return, or the CLI would query or signal the wrong thing.
 */
import * as sdk from '@temporalio/workflow';
import * as slice from '../../cli/bundle/workflow-definitions';

test.each(['defineSignal', 'defineQuery', 'defineUpdate'] as const)('%s returns what the SDK returns', (helper) => {
  const original = sdk[helper] as (name: string, options?: object) => unknown;
  expect(slice[helper]('pipelineState')).toEqual(original('pipelineState'));
  expect(slice[helper]('forcePhase', { description: 'x' })).toEqual(original('forcePhase', { description: 'x' }));
});
