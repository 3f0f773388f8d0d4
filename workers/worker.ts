/**
 * The pipeline worker process: `node dist/workers/worker.js` (built) or `npx tsx workers/worker.ts`. Config from
 * env / GAMEDAY_CONFIG, Temporal from the standard TEMPORAL_* env or profile. JSON logs on stdout; SIGTERM or
 * SIGINT drains it (activities in flight get `worker.shutdownGraceSeconds`) and it exits 0.
 */
import { loadConfig } from '../config/load';
import { defaultAlertDeps } from '../activities/alerts/alerts';
import { installWorkerRuntime } from './observability/runtime';
import { workflowTaskFailureAlert } from './observability/workflow-task-alert';
import { startWorkerProcess } from './worker-process';

async function main(): Promise<void> {
  const config = loadConfig();
  const runtime = installWorkerRuntime(config);
  const log = runtime.logger;
  const { channels, ledger } = defaultAlertDeps(config);
  runtime.workflowTaskFailures.onFailure(workflowTaskFailureAlert({ config, channels, ledger, logger: log }));
  const running = await startWorkerProcess({ config, runtime });
  const { temporal } = running.config;
  log.info(
    {
      address: temporal.address,
      namespace: temporal.namespace,
      taskQueue: temporal.taskQueue,
      workflowCode: running.workflowCode,
      buildId: running.version.buildId,
      buildIdFrom: running.version.buildIdFrom,
      deploymentName: running.version.deploymentName,
      workerVersioning: running.version.useWorkerVersioning,
      ...(running.version.defaultVersioningBehavior
        ? { versioningBehavior: running.version.defaultVersioningBehavior }
        : {}),
      health: running.health?.url,
      metrics: running.metricsUrl,
    },
    'gameday worker running',
  );
  // The Runtime also drains its workers on these signals; this makes sure, and logs it.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      log.info({ signal }, 'shutting down: activities in flight get the grace period');
      running.shutdown();
    });
  }
  await running.done;
  log.info('gameday worker stopped');
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(JSON.stringify({ level: 'error', component: 'worker', message: `gameday worker: ${err.message}` }));
    process.exit(1);
  },
);
