import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { PipelineActivities } from '../../activities';
import { loadConfig } from '../../config/load';
import type { GamedayConfig } from '../../config/schema';
import { pipelineStateQuery, processorCompletedSignal, type PipelineInput } from '../../contracts/workflow-api';
import { realDelayUntil } from '../../domain/clock';
import type { DayState } from '../../contracts/state';
import { dayTimeInstant } from '../../domain/day-times';
import { gameDatePipeline } from '../../workflows';
import { WORKFLOWS_PATH } from '../../workers/pipeline-worker';
import { createTimeSkippingEnv } from './tools';

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

const started: { env: TestWorkflowEnvironment; workflowId: string }[] = [];

export function startDay(env: TestWorkflowEnvironment, taskQueue: string, input: PipelineInput) {
  const workflowId = `gameday-${input.gameDate}-${randomUUID().slice(0, 8)}`;
  started.push({ env, workflowId });
  return env.client.workflow.start(gameDatePipeline, { taskQueue, workflowId, args: [input] });
}

/**
 * Terminates the days a test left running. On the time-skipping server a running day whose worker is gone would
 * hold the clock still (its next timer's workflow task never completes): call it after each test.
 */
export async function endDays(): Promise<void> {
  for (const { env, workflowId } of started.splice(0)) {
    await env.client.workflow
      .getHandle(workflowId)
      .terminate('test over')
      .catch(() => undefined);
  }
}

/**
 * The time-skipping server of a day test file: started before its tests, the days each test left running ended after
 * it (`endDays`), torn down after them all. Read `env` inside the tests.
 */
export function useTimeSkippingDays(): { readonly env: TestWorkflowEnvironment } {
  let env: TestWorkflowEnvironment | undefined;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterEach(async () => {
    await endDays();
  });
  afterAll(async () => {
    await env?.teardown();
  });
  return {
    get env() {
      if (!env) throw new Error('the time-skipping server is started in beforeAll: read env inside a test');
      return env;
    },
  };
}

export type DayHandle = Awaited<ReturnType<typeof startDay>>;

/** The state of the date's day, following continue-as-new to the newest run. */
export async function dayState(env: TestWorkflowEnvironment, handle: DayHandle): Promise<DayState> {
  const latest = env.client.workflow.getHandle(handle.workflowId);
  for (let tries = 1; ; tries++) {
    try {
      return await latest.query(pipelineStateQuery);
    } catch (err) {
      // A day answers queries once its settings are loaded (its first activity): ask again then.
      const starting = String((err as { cause?: Error }).cause?.message ?? err).includes('the day is starting');
      if (!starting || tries >= 50) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/**
 * Waits until the day has no activity in flight. The time-skipping server keeps time locked for an activity that was
 * running when its worker stopped, even after the workflow is terminated: a test that ends with work in flight
 * would stall every later test's timers.
 */
export async function settle(env: TestWorkflowEnvironment, handle: DayHandle): Promise<void> {
  const latest = env.client.workflow.getHandle(handle.workflowId);
  for (let tries = 0; tries < 100; tries++) {
    const { raw } = await latest.describe();
    if (!raw.pendingWorkflowTask && !raw.pendingActivities?.length) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${handle.workflowId} still has work in flight after 10 s`);
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

/** Moves the time-skipping server's clock to a time of the date's day (`D 23:40`), the workflow's timers firing on the way. */
export async function skipTo(
  env: TestWorkflowEnvironment,
  handle: DayHandle,
  config: GamedayConfig,
  gameDate: string,
  time: string,
): Promise<void> {
  const clock = (await dayState(env, handle)).clock;
  const target = dayTimeInstant(gameDate, time, config.timeZone);
  const delay = realDelayUntil(clock, target, await env.currentTimeMs());
  if (delay > 0) await env.sleep(delay);
}

/** Sends platform messages to the date's workflow as the bridge does (with a Pub/Sub message ID each). */
export async function deliver(
  env: TestWorkflowEnvironment,
  handle: DayHandle,
  messages: unknown[],
  idPrefix = 'msg',
): Promise<void> {
  const latest = env.client.workflow.getHandle(handle.workflowId);
  let n = 0;
  for (const message of messages)
    await latest.signal(processorCompletedSignal, message, { messageId: `${idPrefix}-${(n += 1)}` });
}

/** The day's final state (following continue-as-new to the last run). */
export async function dayResult(env: TestWorkflowEnvironment, handle: DayHandle): Promise<DayState> {
  return (await env.client.workflow.getHandle(handle.workflowId).result()) as DayState;
}
