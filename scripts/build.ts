/**
 * `npm run build`: the production build. TypeScript compiled to `dist/` (tsconfig.build.json) and the workflow
 * code bundled once into `dist/workflow-bundle.js`, which `node dist/workers/worker.js` loads at start.
 * `--out-dir DIR` builds elsewhere (a test builds into .gameday/).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { bundleWorkflows } from '../workers/pipeline-worker';
import { WORKFLOW_BUNDLE_FILE } from '../workers/workflow-bundle';

const ROOT = resolve(__dirname, '..');

async function main(): Promise<void> {
  const flag = process.argv.indexOf('--out-dir');
  const outDir = resolve(ROOT, flag >= 0 ? (process.argv[flag + 1] ?? '') : 'dist');
  if (outDir === ROOT || relative(ROOT, outDir).startsWith('..')) throw new Error(`--out-dir must be inside ${ROOT}`);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const started = Date.now();
  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', outDir],
    { stdio: 'inherit', cwd: ROOT },
  );
  const bundle = await bundleWorkflows();
  const bundlePath = join(outDir, WORKFLOW_BUNDLE_FILE);
  writeFileSync(bundlePath, bundle.code);
  const kb = Math.round(bundle.code.length / 1024);
  console.log(
    `built ${relative(ROOT, outDir)}/ and ${relative(ROOT, bundlePath)} (${kb} KiB) in ${Date.now() - started} ms`,
  );
}

main().catch((err: Error) => {
  console.error(`build failed: ${err.message}`);
  process.exit(1);
});
