import {
  bundleWorkflowCode,
  NativeConnection,
  Worker,
  type Runtime,
  type WorkflowBundleOption,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { createActivities, createOperationsActivities, type ActivityDeps } from '../activities';
import type { GamedayConfig } from '../config/schema';
import { deploymentOptions, type WorkerVersion } from './build-id';

export const WORKFLOWS_PATH = require.resolve('../workflows');

/** The pipeline worker: the workflow bundle and every activity, bound to one config. */
export async function createPipelineWorker(options: {
  config: GamedayConfig;
  connection?: NativeConnection;
  deps?: ActivityDeps;
  runtime?: Runtime;
  /** A prebuilt workflow bundle, in memory or a file (default: bundled from the sources now, a few seconds). */
  workflowBundle?: WorkflowBundleOption;
  /**
   * The worker process's graceful shutdown: activities in flight get `worker.shutdownGraceSeconds` to finish, then
   * are cancelled (and retried by another worker). Off: they are cancelled at once (tests, the local stack).
   */
  gracefulShutdown?: boolean;
  /**
   * The worker's deployment version (workers/build-id.ts), reported to the server, and with
   * `useWorkerVersioning` the version its workflow tasks are routed by. None: the SDK's default build ID.
   */
  version?: WorkerVersion;
}): Promise<Worker> {
  const { config } = options;
  const connection = options.connection ?? (await NativeConnection.connect({ address: config.temporal.address }));
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    ...(options.gracefulShutdown ? { shutdownGraceTime: config.worker.shutdownGraceSeconds * 1000 } : {}),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    ...(options.version ? { workerDeploymentOptions: deploymentOptions(options.version) } : {}),
    // Operations activities (self-heal, summary) use the worker's own client from the activity Context.
    activities: { ...createActivities(config, options.deps), ...createOperationsActivities(config, options.deps) },
  });
}

/** The workflow code bundled once (webpack), for a worker created later without the wait. */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never,
  });
}
