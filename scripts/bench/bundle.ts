/**
 * Workflow bundles built in a child process, so webpack's memory never counts in the bench process' RSS (where
 * the worker runs). As a script: `bundle.ts WORKFLOWS_PATH OUT_FILE`.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

const OUT_DIR = join(__dirname, '..', '..', '.tools', 'bench');

/** Bundles `workflowsPath` in a child process; resolves with the bundle's file, for `workflowBundle: { codePath }`. */
export function bundleInChild(workflowsPath: string, name: string): Promise<string> {
  mkdirSync(OUT_DIR, { recursive: true });
  const out = join(OUT_DIR, `${name}.js`);
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--require', 'tsx/cjs', __filename, workflowsPath, out], (error, _stdout, stderr) =>
      error ? reject(new Error(`bundling ${workflowsPath} failed: ${stderr}`)) : resolve(out),
    );
  });
}

if (require.main === module) {
  const [workflowsPath, out] = process.argv.slice(2);
  bundleWorkflowCode({
    workflowsPath,
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never,
  }).then(
    (bundle) => writeFileSync(out, bundle.code),
    (err: Error) => {
      process.stderr.write(err.message);
      process.exit(1);
    },
  );
}
