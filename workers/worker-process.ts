/**
 * The worker process: connection (standard Temporal env config), the pipeline worker with the prebuilt bundle,
 * health probes, the breaker-state metric and the watcher of failing workflow tasks. `shutdown()` (SIGTERM) stops
 * polling, lets activities in flight finish for `worker.shutdownGraceSeconds`, then closes the probes and the
 * connection; `done` resolves when all of that is over.
 */
import { readFileSync } from 'node:fs';
import { NativeConnection, type Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { resolveTemporalTarget, withTemporalTarget } from '../clients/temporal-connection';
import type { GamedayConfig } from '../config/schema';
import type { ActivityDeps } from '../activities';
import { breakerStateGauge } from './observability/breaker-metrics';
import { startHealthServer, withTimeout, type HealthServer, type Readiness } from './observability/health-server';
import type { WorkerRuntime } from './observability/runtime';
import { workerVersion, type WorkerVersion } from './build-id';
import { bundleWorkflows, createPipelineWorker } from './pipeline-worker';
import { prebuiltWorkflowBundle } from './workflow-bundle';

export interface WorkerProcess {
  config: GamedayConfig;
  worker: Worker;
  health?: HealthServer;
  metricsUrl?: string;
  /** Where the workflow code came from: the prebuilt bundle's path, or `sources`. */
  workflowCode: string;
  /** The worker's deployment version: its build ID (logged, on /healthz, stamped on its workflow tasks). */
  version: WorkerVersion;
  done: Promise<void>;
  shutdown(): void;
}

const READY_TIMEOUT_MS = 3000;

export async function startWorkerProcess(options: {
  config: GamedayConfig;
  runtime: WorkerRuntime;
  env?: NodeJS.ProcessEnv;
  deps?: ActivityDeps;
}): Promise<WorkerProcess> {
  const { runtime } = options;
  const target = resolveTemporalTarget(options.config, options.env ?? process.env);
  const config = withTemporalTarget(options.config, target);
  const connection = await NativeConnection.connect({
    address: target.address,
    tls: target.options.tls ?? undefined,
    apiKey: typeof target.options.apiKey === 'string' ? target.options.apiKey : undefined,
    metadata: target.options.metadata as Record<string, string> | undefined,
  });
  try {
    const prebuilt = prebuiltWorkflowBundle(config);
    // From the sources the worker bundles them now (as the SDK would), so the build ID can name the code it runs.
    const workflowBundle: WorkflowBundleOption = prebuilt ?? (await bundleWorkflows());
    const code = 'code' in workflowBundle ? workflowBundle.code : readFileSync(workflowBundle.codePath, 'utf8');
    const version = workerVersion(config, code);
    const worker = await createPipelineWorker({
      config,
      connection,
      workflowBundle,
      version,
      gracefulShutdown: true,
      deps: { ...options.deps, onBreakerStateChange: breakerStateGauge(runtime.runtime.metricMeter) },
    });
    const ready = async (): Promise<Readiness> => {
      const state = worker.getState();
      if (state !== 'RUNNING') return { ready: false, detail: `worker ${state}` };
      await withTimeout(connection.workflowService.getSystemInfo({}), READY_TIMEOUT_MS, 'Temporal');
      return { ready: true, detail: `worker RUNNING, Temporal ${target.address} answers` };
    };
    const { host, healthPort } = config.worker;
    const about = {
      buildId: version.buildId,
      deploymentName: version.deploymentName,
      workerVersioning: version.useWorkerVersioning,
    };
    const health =
      healthPort > 0 ? await startHealthServer({ host, port: healthPort, check: ready, about }) : undefined;
    const done = worker.run().finally(async () => {
      await health?.close();
      await connection.close();
    });
    return {
      config,
      worker,
      health,
      metricsUrl: runtime.metricsUrl,
      workflowCode: prebuilt?.codePath ?? 'sources',
      version,
      done,
      shutdown: () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
      },
    };
  } catch (err) {
    await connection.close();
    throw err;
  }
}
