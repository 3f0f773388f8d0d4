/**
 * Worker threads start with the process's own Node options, so under tsx the SDK's workflow threads load tsx too,
 * and tsx turns source maps on in each (`process.setSourceMapsEnabled` is per thread). A deployed worker
 * (`node dist/workers/worker.js`) has neither. Threads started after this call get no tsx: the workflow thread runs
 * the SDK's compiled JS and the prebuilt bundle only. (V8 flags such as the heap limits are process-wide and stay.)
 */
import workerThreads from 'node:worker_threads';

export function startThreadsAsDeployed(): void {
  const NodeWorker = workerThreads.Worker;
  class DeployedWorker extends NodeWorker {
    constructor(filename: string | URL, options: workerThreads.WorkerOptions = {}) {
      super(filename, { execArgv: [], ...options });
    }
  }
  (workerThreads as { Worker: typeof NodeWorker }).Worker = DeployedWorker;
}
