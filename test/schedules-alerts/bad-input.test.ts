/**
 * A bad date given to any workflow ends its run FAILED at once with the reason, having triggered nothing. A plain
 * `Error` from workflow code would fail only the workflow task, retried forever while the run shows RUNNING.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { dailySummary, gameDatePipeline, scheduledPipeline, selfHeal } from '../../workflows';
import { opsWorker, type OpsWorker } from '../helpers/ops-harness';
import { createTimeSkippingEnv } from '../helpers/tools';

let env: TestWorkflowEnvironment;
let ops: OpsWorker;
let running: Promise<void>;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  ops = await opsWorker(env);
  running = ops.worker.run();
}, 120_000);
afterAll(async () => {
  ops?.worker.shutdown();
  await running;
  await env?.teardown();
});

async function failure(run: () => Promise<unknown>): Promise<ApplicationFailure> {
  const error = await run().then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(WorkflowFailedError);
  const cause = (error as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

it.each([
  ['selfHeal', '2026-1-5', (d: string) => ({ workflow: selfHeal, args: [{ dates: ['2026-01-05', d] }] as const })],
  ['dailySummary', '2026-02-30', (d: string) => ({ workflow: dailySummary, args: [{ dates: [d] }] as const })],
  [
    'scheduledPipeline',
    '2026-13-01',
    (d: string) => ({ workflow: scheduledPipeline, args: [{ gameDate: d }] as const }),
  ],
  ['gameDatePipeline', '2026-04-31', (d: string) => ({ workflow: gameDatePipeline, args: [{ gameDate: d }] as const })],
])('%s given %s: FAILED at once (InvalidInput), nothing called', async (name, bad, make) => {
  const before = ops.fake.calls.length;
  const { workflow, args } = make(bad);
  const cause = await failure(() =>
    ops.client.workflow.execute(workflow as (...a: unknown[]) => Promise<unknown>, {
      taskQueue: ops.taskQueue,
      workflowId: `${ops.id}-bad-${name}`,
      args: [...args],
      workflowExecutionTimeout: '1 minute',
    }),
  );
  expect(cause.type).toBe('InvalidInput');
  expect(cause.nonRetryable).toBe(true);
  expect(cause.message).toBe(`invalid game date "${bad}": expected a real calendar date as YYYY-MM-DD`);
  expect(ops.fake.calls.length).toBe(before);
});

it('scheduledPipeline given a dateOffsetDays that is not a whole number: FAILED at once (InvalidInput)', async () => {
  const cause = await failure(() =>
    ops.client.workflow.execute(scheduledPipeline, {
      taskQueue: ops.taskQueue,
      workflowId: `${ops.id}-bad-offset`,
      args: [{ dateOffsetDays: 'one' as unknown as number }],
      workflowExecutionTimeout: '1 minute',
    }),
  );
  expect([cause.type, cause.message]).toEqual([
    'InvalidInput',
    'invalid dateOffsetDays "one": expected a whole number of days',
  ]);
});
