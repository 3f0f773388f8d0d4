/** A worker with the fake platform plus the real operations activities (self-heal, summary) on a test env. */
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createOperationsActivities, type PipelineActivities } from '../../activities';
import type { AlertChannel } from '../../activities/alerts/alerts';
import { loadConfig } from '../../config/load';
import type { PipelineInput } from '../../domain/pipeline-state';
import { pipelineWorkflowId } from '../../domain/run-settings';
import { gameDatePipeline } from '../../workflows';
import { fakePlatform } from './fake-activities';
import { workflowBundle } from './pipeline-harness';

export async function opsWorker(
  env: TestWorkflowEnvironment,
  overrides: Partial<PipelineActivities> = {},
  configOverrides: object = {},
  alertChannels: AlertChannel[] = [],
) {
  const id = randomUUID().slice(0, 8);
  const config = loadConfig(
    {},
    { ...configOverrides, temporal: { taskQueue: `ops-${id}`, workflowIdPrefix: `t${id}-` } },
  );
  const fake = fakePlatform(overrides, config);
  // A plain client: awaiting a self-heal result must not skip time (a stuck pipeline has no timer, so the
  // time-skipping client would jump to its execution timeout). Tests move time with env.sleep only.
  const client = new Client({ connection: env.connection, namespace: config.temporal.namespace });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowBundle: await workflowBundle(),
    activities: { ...fake.activities, ...createOperationsActivities(config, { client, alertChannels }) },
  });
  const startDate = (input: PipelineInput) =>
    env.client.workflow.start(gameDatePipeline, {
      taskQueue: config.temporal.taskQueue,
      workflowId: pipelineWorkflowId(config.temporal.workflowIdPrefix, input.gameDate),
      args: [input],
    });
  return { worker, fake, config, client, taskQueue: config.temporal.taskQueue, startDate, id };
}
