import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { PipelineActivities } from '../../activities';
import type { PipelineInput, PipelineState } from '../../domain/pipeline-state';
import type { GamedayConfig } from '../../config/schema';
import type { CompletionMessage } from '../../domain/completion-message';
import { pipelineStateQuery, processorCompletedSignal } from '../../workflows/definitions';
import { WORKFLOWS_PATH } from '../../workers/pipeline-worker';
import { gameDatePipeline } from '../../workflows';
import { completion } from './fake-activities';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflow bundle, built once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never,
  });
  return bundle;
}

export async function pipelineWorker(
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

export async function startPipeline(env: TestWorkflowEnvironment, taskQueue: string, input: PipelineInput) {
  return env.client.workflow.start(gameDatePipeline, {
    taskQueue,
    workflowId: `gameday-${input.gameDate}-${randomUUID().slice(0, 8)}`,
    args: [input],
  });
}

type Handle = Awaited<ReturnType<typeof startPipeline>>;

export const queryState = (handle: Handle): Promise<PipelineState> => handle.query(pipelineStateQuery);

export async function signalAll(handle: Handle, messages: CompletionMessage[]): Promise<void> {
  for (const message of messages) await handle.signal(processorCompletedSignal, message);
}

/** Completions for every phase-1 and phase-2 processor the mode expects. */
export function upstreamCompletions(
  config: GamedayConfig,
  gameDate: string,
  mode: 'overnight' | 'same_day' | 'tomorrow' = 'overnight',
): CompletionMessage[] {
  const phases = [
    [1, 'phase_1_scrapers'],
    [2, 'phase_2_raw'],
  ] as const;
  return phases.flatMap(([phase, messagePhase]) =>
    config.modes[mode][phase].expected.map((name) => completion(gameDate, name, { phase: messagePhase })),
  );
}

/** Phase-3 completions by class name, as the analytics service publishes them. */
export function analyticsCompletions(config: GamedayConfig, gameDate: string, names: string[]): CompletionMessage[] {
  return names.map((name) => {
    const spec = config.processors[3].find((p) => p.name === name);
    if (!spec) throw new Error(`no phase-3 processor ${name}`);
    return completion(gameDate, spec.className, { output_table: spec.outputTable });
  });
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
