/**
 * The worker's version for Temporal's worker versioning: its build ID within the Worker Deployment
 * `worker.deploymentName`. `worker.buildId` (GAMEDAY_BUILD_ID) when set; otherwise derived from what the worker
 * runs, so the same code always gets the same ID: `<package version>+<first 12 hex digits of the SHA-256 of the
 * workflow bundle>`, e.g. `0.1.0+5d1c0b7e9a2f`. The bundle is the code a running day replays, so a change to
 * workflow code changes the ID and a change to activities alone does not (set GAMEDAY_BUILD_ID, e.g. to the image
 * tag or git commit, to name every deploy).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { VersioningBehavior } from '@temporalio/common';
import type { WorkerDeploymentOptions } from '@temporalio/worker';
import type { GamedayConfig } from '../config/schema';

export interface WorkerVersion {
  deploymentName: string;
  buildId: string;
  /** Where the build ID came from: the config (or GAMEDAY_BUILD_ID), or the workflow bundle's hash. */
  buildIdFrom: 'config' | 'workflow-bundle';
  /** Versioning-based routing (worker.useWorkerVersioning): workflow tasks go to the version a workflow is on. */
  useWorkerVersioning: boolean;
  /** The versioning behavior of the workflows this worker starts, when useWorkerVersioning is on. */
  defaultVersioningBehavior?: VersioningBehavior;
}

/** The first 12 hex digits of the SHA-256 of the workflow bundle's code. */
export function workflowCodeHash(code: string): string {
  return createHash('sha256').update(code).digest('hex').slice(0, 12);
}

/** The version of the `gameday` package, from the package.json above this module (sources, dist/ or the image). */
export function packageVersion(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'gameday' && pkg.version) return pkg.version;
    }
    if (dirname(dir) === dir) return '0.0.0';
  }
}

export function workerVersion(config: GamedayConfig, workflowCode: string): WorkerVersion {
  const { buildId, deploymentName, useWorkerVersioning, defaultVersioningBehavior } = config.worker;
  return {
    deploymentName,
    buildId: buildId ?? `${packageVersion()}+${workflowCodeHash(workflowCode)}`,
    buildIdFrom: buildId ? 'config' : 'workflow-bundle',
    useWorkerVersioning,
    ...(useWorkerVersioning ? { defaultVersioningBehavior } : {}),
  };
}

/**
 * The Worker's `workerDeploymentOptions`. Without versioning-based routing the worker still reports its version:
 * the server stamps it on the workflow tasks it completes (event history), and lists it among the task queue's
 * pollers.
 */
export function deploymentOptions(version: WorkerVersion): WorkerDeploymentOptions {
  const deployment = { deploymentName: version.deploymentName, buildId: version.buildId };
  return version.useWorkerVersioning
    ? {
        version: deployment,
        useWorkerVersioning: true,
        defaultVersioningBehavior: version.defaultVersioningBehavior ?? 'PINNED',
      }
    : { version: deployment, useWorkerVersioning: false };
}
