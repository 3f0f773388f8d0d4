import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { PipelineActivities } from '../../activities';
import { loadConfig } from '../../config/load';
import type { GamedayConfig } from '../../config/schema';
import { pipelineStateQuery, type PipelineInput } from '../../contracts/workflow-api';
import type { DayState } from '../../contracts/state';
import { dayTimeInstant } from '../../domain/day-times';
import { gameDatePipeline } from '../../workflows';
import { WORKFLOWS_PATH } from '../../workers/pipeline-worker';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflow bundle, built once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never,
  });
  return bundle;
}

/**
 * A config whose day clock starts at `startsAt` (`D-1 16:55`) of the game date, at the server's current time: the
 * workflow then lives the date's day on the time-skipping server, timers at their wall-clock times in ET.
 */
export async function dayConfig(
  env: TestWorkflowEnvironment,
  gameDate: string,
  startsAt = 'D-1 16:55',
  overrides: object = {},
): Promise<GamedayConfig> {
  const base = loadConfig({});
  const virtualAnchor = new Date(dayTimeInstant(gameDate, startsAt, base.timeZone)).toISOString();
  const realAnchor = new Date(await env.currentTimeMs()).toISOString();
  return loadConfig({}, { clock: { virtualAnchor, realAnchor }, ...overrides });
}

export async function dayWorker(
  env: TestWorkflowEnvironment,
  activities: PipelineActivities,
): Promise<{ worker: Worker; taskQueue: string }> {
  const taskQueue = `test-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
  });
  return { worker, taskQueue };
}

export function startDay(env: TestWorkflowEnvironment, taskQueue: string, input: PipelineInput) {
  return env.client.workflow.start(gameDatePipeline, {
    taskQueue,
    workflowId: `gameday-${input.gameDate}-${randomUUID().slice(0, 8)}`,
    args: [input],
  });
}

export type DayHandle = Awaited<ReturnType<typeof startDay>>;

/** The state of the date's day, following continue-as-new to the newest run. */
export async function dayState(env: TestWorkflowEnvironment, handle: DayHandle): Promise<DayState> {
  return env.client.workflow.getHandle(handle.workflowId).query(pipelineStateQuery);
}

/** The validator's or handler's message when an update is refused. */
export async function updateRefusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    const cause = (err as { cause?: Error }).cause;
    return cause?.message ?? (err as Error).message;
  }
  throw new Error('the update was accepted');
}
