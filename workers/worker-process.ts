/**
 * The worker process: connection (standard Temporal env config), the pipeline worker with the prebuilt bundle,
 * health probes, the breaker-state metric and the watcher of failing workflow tasks. `shutdown()` (SIGTERM) stops
 * polling, lets activities in flight finish for `worker.shutdownGraceSeconds`, then closes the probes and the
 * connection; `done` resolves when all of that is over.
 */
import { NativeConnection, type Worker } from '@temporalio/worker';
import { resolveTemporalTarget, withTemporalTarget } from '../clients/temporal-connection';
import type { GamedayConfig } from '../config/schema';
import type { ActivityDeps } from '../activities';
import { breakerStateGauge } from './observability/breaker-metrics';
import { startHealthServer, withTimeout, type HealthServer, type Readiness } from './observability/health-server';
import type { WorkerRuntime } from './observability/runtime';
import { createPipelineWorker } from './pipeline-worker';
import { prebuiltWorkflowBundle } from './workflow-bundle';

export interface WorkerProcess {
  config: GamedayConfig;
  worker: Worker;
  health?: HealthServer;
  metricsUrl?: string;
  /** Where the workflow code came from: the prebuilt bundle's path, or `sources`. */
  workflowCode: string;
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
    const bundle = prebuiltWorkflowBundle(config);
    const worker = await createPipelineWorker({
      config,
      connection,
      workflowBundle: bundle,
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
    const health = healthPort > 0 ? await startHealthServer({ host, port: healthPort, check: ready }) : undefined;
    const done = worker.run().finally(async () => {
      await health?.close();
      await connection.close();
    });
    return {
      config,
      worker,
      health,
      metricsUrl: runtime.metricsUrl,
      workflowCode: bundle?.codePath ?? 'sources',
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
