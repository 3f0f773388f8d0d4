/**
 * The prebuilt workflow bundle the worker loads at start (no webpack run, no source files in the image): the file
 * of `worker.workflowBundle`, else, for the worker compiled by `npm run build`, the `dist/workflow-bundle.js` built
 * beside it. A worker run from the TypeScript sources bundles them at start, so it never runs a stale bundle.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { WorkflowBundlePath } from '@temporalio/worker';
import type { GamedayConfig } from '../config/schema';

export const WORKFLOW_BUNDLE_FILE = 'workflow-bundle.js';

export function prebuiltWorkflowBundle(config: GamedayConfig, moduleFile = __filename): WorkflowBundlePath | undefined {
  const configured = config.worker.workflowBundle;
  if (configured) {
    const codePath = resolve(configured);
    if (!existsSync(codePath)) throw new Error(`worker.workflowBundle ${codePath} does not exist: run npm run build`);
    return { codePath };
  }
  if (!moduleFile.endsWith('.js')) return undefined;
  const built = join(moduleFile, '..', '..', WORKFLOW_BUNDLE_FILE);
  return existsSync(built) ? { codePath: built } : undefined;
}
