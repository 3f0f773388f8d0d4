import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTimeSkippingEnv } from '../helpers/tools';
import { fakePlatform } from '../helpers/fake-activities';
import {
  analyticsCompletions,
  pipelineWorker,
  queryState,
  signalAll,
  startPipeline,
  upstreamCompletions,
} from '../helpers/pipeline-harness';
import type { PipelineActivities } from '../../activities';
import { forcePhaseUpdate } from '../../workflows/definitions';

const DATE = '2025-12-29';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

async function runDay(overrides: Partial<PipelineActivities>) {
  const fake = fakePlatform(overrides);
  const { worker, taskQueue } = await pipelineWorker(env, fake.activities);
  const handle = await startPipeline(env, taskQueue, { gameDate: DATE });
  await signalAll(handle, upstreamCompletions(fake.config, DATE));
  await signalAll(handle, analyticsCompletions(fake.config, DATE, fake.config.modes.overnight[3].expected));
  return { fake, worker, handle };
}

test('phase 5: 409 already_running attaches to the running batch', async () => {
  const { fake, worker, handle } = await runDay({
    startPredictionBatch: async () => ({ outcome: 'attached', batchId: 'running-batch' }),
  });
  const result = await worker.runUntil(handle.result());
  expect(result.status).toBe('COMPLETE');
  expect(result.phases[5].triggeredBy).toBe('attached to running batch running-batch');
  expect(fake.calls.filter((c) => c.name === 'getPredictionBatchStatus').map((c) => c.args[0])).toEqual([
    'running-batch',
  ]);
});

test('phase 5: 503 DATA_INCOMPLETE is retried by the policy until the coordinator starts the batch', async () => {
  let attempts = 0;
  let polls = 0;
  const { fake, worker, handle } = await runDay({
    startPredictionBatch: async () => {
      attempts += 1;
      if (attempts <= 2) throw ApplicationFailure.retryable('coordinator: data incomplete', 'DataIncomplete');
      return { outcome: 'started', batchId: 'b-7' };
    },
    getPredictionBatchStatus: async () => {
      polls += 1;
      return polls < 3 ? { status: 'in_progress', completionPct: 40 } : { status: 'complete', completionPct: 96 };
    },
  });
  const result = await worker.runUntil(handle.result());
  expect(attempts).toBe(3);
  expect(polls).toBe(3);
  expect(result.phases[5]).toMatchObject({
    status: 'COMPLETE',
    details: expect.objectContaining({ batchId: 'b-7', completionPct: 96 }),
  });
  expect(fake.calls.filter((c) => c.name === 'publishExportTrigger')).toHaveLength(1);
});

test('phase 5: 404 fails the phase (not retried), alerts, and an operator force retries it', async () => {
  let starts = 0;
  const { fake, worker, handle } = await runDay({
    startPredictionBatch: async () => {
      starts += 1;
      if (starts === 1)
        throw ApplicationFailure.nonRetryable('POST /start answered 404: no players', 'PlatformRejected');
      return { outcome: 'started', batchId: 'b-2' };
    },
  });
  await worker.runUntil(async () => {
    await env.sleep('5 minutes');
    const failed = await queryState(handle);
    expect(failed.status).toBe('FAILED');
    expect(failed.phases[5]).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/404/) });
    expect(failed.phases[5].triggeredAt).toBeUndefined();
    expect(starts).toBe(1);
    expect(fake.alerts.map((a) => a.kind)).toEqual(['PHASE_FAILED']);
    await handle.executeUpdate(forcePhaseUpdate, { args: [{ phase: 5, reason: 'players loaded', user: 'oncall' }] });
    const result = await handle.result();
    expect(result.status).toBe('COMPLETE');
  });
  expect(starts).toBe(2);
  const keys = fake.calls
    .filter((c) => c.name === 'startPredictionBatch')
    .map((c) => (c.args[0] as { idempotencyKey: string }).idempotencyKey);
  expect(keys[0]).toMatch(/:phase5$/);
  expect(keys[1]).toMatch(/:phase5:restart1$/);
});

test('an activity that fails twice then succeeds is retried by policy, never marked triggered before success', async () => {
  let calls = 0;
  const { fake, worker, handle } = await runDay({
    runPrecomputeProcessor: async (request) => {
      if (request.className === 'PlayerDailyCacheProcessor') {
        calls += 1;
        if (calls <= 2)
          throw ApplicationFailure.retryable(
            'PlayerDailyCacheProcessor finished with status failed',
            'PrecomputeProcessorFailed',
          );
      }
      return { processor: request.className, status: 'success', recordCount: 200 };
    },
  });
  const result = await worker.runUntil(handle.result());
  expect(calls).toBe(3);
  expect(result.status).toBe('COMPLETE');
  expect(result.phases[4].processors.player_daily_cache).toMatchObject({ status: 'COMPLETE', recordCount: 200 });
  const keys = new Set(
    fake.calls
      .filter((c) => c.name === 'runPrecomputeProcessor')
      .map((c) => (c.args[0] as { idempotencyKey: string }).idempotencyKey),
  );
  expect(keys.size).toBe(5);
});

test('a trigger that fails for good leaves the phase FAILED and never triggered', async () => {
  const { worker, handle } = await runDay({
    publishExportTrigger: async () => {
      throw ApplicationFailure.nonRetryable('POST export answered 403: forbidden', 'PlatformRejected');
    },
  });
  await worker.runUntil(async () => {
    await env.sleep('1 minute');
    const state = await queryState(handle);
    expect(state.phases[6]).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/403/) });
    expect(state.phases[6].triggeredAt).toBeUndefined();
    await expect(handle.result()).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/phase 6 \(export\) failed and no operator acted/) },
    });
  });
});

test('phase 5: a batch complete below 80% fails the phase (not exported); forcing phase 6 exports it, recorded', async () => {
  const { fake, worker, handle } = await runDay({
    getPredictionBatchStatus: async () => ({ status: 'complete', completionPct: 62 }),
  });
  await worker.runUntil(async () => {
    await env.sleep('5 minutes');
    const failed = await queryState(handle);
    expect(failed.phases[5]).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/62%, below 80%/) });
    expect(fake.calls.some((c) => c.name === 'publishExportTrigger')).toBe(false);
    await handle.executeUpdate(forcePhaseUpdate, {
      args: [{ phase: 6, reason: 'accept 62% tonight', user: 'oncall' }],
    });
    const result = await handle.result();
    expect(result.status).toBe('COMPLETE');
    expect(result.phases[5]).toMatchObject({ status: 'COMPLETE', degraded: true });
    expect(result.phases[6].triggerReason).toBe('forced by oncall: accept 62% tonight');
  });
  expect(fake.alerts.map((a) => a.kind)).toEqual(['PHASE_FAILED', 'PHASE_FORCED']);
});

test('phase 5: a batch that stays in progress fails the phase after the configured wait; a restart forces a new batch', async () => {
  let starts = 0;
  const { fake, worker, handle } = await runDay({
    startPredictionBatch: async () => {
      starts += 1;
      return { outcome: 'started', batchId: `b-${starts}` };
    },
    getPredictionBatchStatus: async (batchId) =>
      batchId === 'b-1' ? { status: 'in_progress', completionPct: 40 } : { status: 'complete', completionPct: 97 },
  });
  await worker.runUntil(async () => {
    await env.sleep('4 hours');
    const stalled = await queryState(handle);
    expect(stalled.phases[5]).toMatchObject({
      status: 'FAILED',
      error: expect.stringMatching(/still in progress at 40% after 3 h/),
    });
    await handle.executeUpdate(forcePhaseUpdate, {
      args: [{ phase: 5, reason: 'coordinator restarted', user: 'oncall' }],
    });
    expect((await handle.result()).status).toBe('COMPLETE');
  });
  const forces = fake.calls
    .filter((c) => c.name === 'startPredictionBatch')
    .map((c) => (c.args[0] as { force: boolean }).force);
  expect(forces).toEqual([false, true]);
  expect(fake.alerts.filter((a) => a.kind === 'PHASE_FAILED')).toHaveLength(1);
});

test('a second failure after an operator retry raises a second alert', async () => {
  const { fake, worker, handle } = await runDay({
    startPredictionBatch: async () => {
      throw ApplicationFailure.nonRetryable('POST /start answered 404: no players', 'PlatformRejected');
    },
  });
  await worker.runUntil(async () => {
    await env.sleep('5 minutes');
    await handle.executeUpdate(forcePhaseUpdate, { args: [{ phase: 5, reason: 'try again', user: 'oncall' }] });
    await env.sleep('5 minutes');
    expect((await queryState(handle)).phases[5].status).toBe('FAILED');
    await handle.terminate('test done');
  });
  expect(fake.alerts.map((a) => a.kind)).toEqual(['PHASE_FAILED', 'PHASE_FORCED', 'PHASE_FAILED']);
});
