#!/usr/bin/env node
// The setup step `npm start` and `npm test` run first: idempotent, and fast when nothing changed.
// 1. `npm ci` when node_modules is missing or older than package-lock.json.
// 2. A git-ignored Python venv (.tools/venv) with the pinned PyPI packages of scripts/python-tools.json.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const log = (line) => {
  if (!quiet) console.log(`[setup] ${line}`);
};

function run(cmd, args, opts = {}) {
  execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], ...opts });
}

function ensureNodeModules() {
  const lock = join(root, 'package-lock.json');
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) {
    log('npm packages up to date');
    return;
  }
  log('installing npm packages (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund']);
  log('installed npm packages');
}

function ensurePythonTools() {
  const { packages } = JSON.parse(readFileSync(join(root, 'scripts', 'python-tools.json'), 'utf8'));
  const toolsDir = join(root, '.tools');
  const venv = join(toolsDir, 'venv');
  const stamp = join(toolsDir, 'installed.json');
  const wanted = JSON.stringify(packages);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted && existsSync(join(venv, 'bin', 'python'))) {
    log(`PyPI tools up to date (${packages.join(', ')})`);
    return;
  }
  mkdirSync(toolsDir, { recursive: true });
  if (!existsSync(join(venv, 'bin', 'python'))) {
    const python = process.env.PYTHON ?? 'python3';
    log(`creating Python venv at .tools/venv with ${python}`);
    run(python, ['-m', 'venv', venv]);
  }
  log(`installing PyPI tools: ${packages.join(', ')}`);
  run(join(venv, 'bin', 'pip'), ['install', '--disable-pip-version-check', '--quiet', ...packages]);
  writeFileSync(stamp, wanted);
  log('installed PyPI tools into .tools/venv');
}

// Packages that only some commands use and that take a quarter to a whole second to load: the CLI bundle loads
// each on first use (`gameday status` never loads Firestore or Pub/Sub).
const LAZY_PACKAGES = [
  '@google-cloud/firestore',
  '@google-cloud/pubsub',
  '@google-cloud/bigquery',
  'google-auth-library',
  '@temporalio/proto',
  '@temporalio/client',
  'smol-toml',
  '@temporalio/common/lib/time',
  // commander's, for executable subcommands, which the CLI has none of.
  'node:child_process',
  // Only the commands that start or signal something use it (randomUUID).
  'node:crypto',
];

// Small packages every command loads, bundled into the CLI (one file to read and compile instead of a dozen to find
// in node_modules); every other package stays external.
const BUNDLED_PACKAGES = [
  'commander',
  '@temporalio/common/lib/search-attributes',
  // The Temporal profile (@temporalio/envconfig) and the parts of @temporalio/common it requires: resolving a dozen
  // files in node_modules costs more than running them. It reads TOML (smol-toml, lazy) only when a profile file exists.
  '@temporalio/envconfig',
  '@temporalio/common/lib/encoding',
  '@temporalio/common/lib/internal-workflow',
  '@temporalio/common/lib/internal-workflow/objects-helpers',
];

/** Leaves packages external (loaded from node_modules), except BUNDLED_PACKAGES. */
function externalPackages(bundled) {
  return {
    name: 'external-packages',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) =>
        bundled.includes(args.path) || args.path.startsWith('node:') ? undefined : { path: args.path, external: true },
      );
    },
  };
}

/**
 * The parts of two SDK packages the CLI's shared contracts use at load time, so a command starts without them
 * (together about 45 ms): the search attribute keys' helpers from @temporalio/common's own module, and
 * defineSignal/defineQuery/defineUpdate from cli/bundle/workflow-definitions.ts. Any other import of either package
 * fails the build ("No matching export"), so nothing else can silently go missing.
 */
function sdkSlices() {
  return {
    name: 'sdk-slices',
    setup(build) {
      build.onResolve({ filter: /^@temporalio\/workflow$/ }, () => ({
        path: join(root, 'cli', 'bundle', 'workflow-definitions.ts'),
      }));
      build.onResolve({ filter: /^@temporalio\/common$/ }, (args) => ({ path: args.path, namespace: 'sdk-slice' }));
      build.onLoad({ filter: /.*/, namespace: 'sdk-slice' }, () => ({
        contents:
          "export { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common/lib/search-attributes';",
        loader: 'js',
        resolveDir: root,
      }));
    },
  };
}

const requireFromRoot = createRequire(join(root, 'package.json'));

/** Replaces `require(pkg)` with an object that requires the package when one of its exports is first read. */
function lazyPackages(packages) {
  const filter = new RegExp(`^(${packages.map((p) => p.replace(/[/.-]/g, (c) => `\\${c}`)).join('|')})$`);
  return {
    name: 'lazy-packages',
    setup(build) {
      build.onResolve({ filter }, (args) =>
        args.namespace === 'lazy' ? { path: args.path, external: true } : { path: args.path, namespace: 'lazy' },
      );
      // The bundle's ESM interop (__toESM) copies a module's own keys onto an object whose prototype is the module's
      // prototype, at start-up, once per importing file. The proxy has no own keys and its prototype is a second proxy
      // that loads the package: nothing is copied (a thousand getters for @temporalio/client and node:crypto alone)
      // and every export is read through the prototype on first use. The export names, read once at build time, answer
      // `in` without loading the package.
      build.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({
        contents: `let loaded;
const load = () => (loaded ??= require(${JSON.stringify(args.path)}));
const names = ${JSON.stringify(Object.keys(requireFromRoot(args.path)))};
const esModule = ${JSON.stringify(Boolean(requireFromRoot(args.path).__esModule))};
const exportsOnUse = new Proxy({}, {
  get: (_, key) => (key === '__esModule' ? esModule : load()[key]),
  has: (_, key) => names.includes(key) || key in load(),
});
module.exports = new Proxy({}, {
  get: (_, key) => (key === '__esModule' ? esModule : load()[key]),
  has: (_, key) => names.includes(key) || key in load(),
  getPrototypeOf: () => exportsOnUse,
  ownKeys: () => [],
  getOwnPropertyDescriptor: () => undefined,
});`,
        loader: 'js',
      }));
    },
  };
}

// The `gameday` CLI precompiled into one file (node_modules external but for BUNDLED_PACKAGES), so a command starts without
// transpiling TypeScript; bin/gameday.js uses it only while it is newer than every source file it came from.
async function buildCli() {
  const outfile = join(root, '.tools', 'cli', 'gameday.js');
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(root, 'cli', 'main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    metafile: true,
    logLevel: 'warning',
    // import() as require(): a dynamic import starts Node's ES module loader (milliseconds) for a built-in module.
    supported: { 'dynamic-import': false },
    // Whitespace and syntax minified (names kept, so stack traces still name functions): V8 reads, hashes and
    // deserializes the code cache of a smaller file, about 3 ms of `gameday status` here.
    minifyWhitespace: true,
    minifySyntax: true,
    plugins: [sdkSlices(), lazyPackages(LAZY_PACKAGES), externalPackages(BUNDLED_PACKAGES)],
  });
  const inputs = Object.keys(result.metafile.inputs)
    .filter((input) => !input.startsWith('lazy:') && !input.startsWith('sdk-slice:'))
    .map((input) => join(root, input));
  writeFileSync(join(root, '.tools', 'cli', 'inputs.json'), JSON.stringify(inputs));
  // The configs the previous build validated (cli/config-memo.ts), stamped with that build, and the previous build's
  // code cache (bin/gameday.js): never used again.
  rmSync(join(root, '.tools', 'cli', 'configs-accepted'), { recursive: true, force: true });
  rmSync(`${outfile}.cache`, { force: true });
  log('built the gameday CLI (.tools/cli/gameday.js)');
}

// `gameday` on PATH without npx (which adds about a second): `export PATH="$PWD/.tools/bin:$PATH"`. A package's own
// bin is not linked into its own node_modules/.bin, so the setup step writes a launcher here. It moves
// NODE_EXTRA_CA_CERTS aside (Node would parse the whole file at start-up; cli/extra-ca.ts trusts it before the first
// TLS connection) and runs this checkout's bin/gameday.js (the setup step rewrites it wherever the checkout is).
const shellQuoted = (text) => `'${text.replaceAll("'", `'\\''`)}'`;
const launcherScript = (entry) => `#!/bin/sh
# gameday, written by scripts/setup.mjs: NODE_EXTRA_CA_CERTS waits for the CLI's first TLS connection (cli/extra-ca.ts).
if [ -n "\${NODE_EXTRA_CA_CERTS:-}" ]; then
  GAMEDAY_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS
  export GAMEDAY_EXTRA_CA_CERTS
  unset NODE_EXTRA_CA_CERTS
fi
exec node ${shellQuoted(entry)} "$@"
`;

function linkCli() {
  const dir = join(root, '.tools', 'bin');
  mkdirSync(dir, { recursive: true });
  const launcher = join(dir, 'gameday');
  rmSync(launcher, { force: true });
  writeFileSync(launcher, launcherScript(join(root, 'bin', 'gameday.js')), { mode: 0o755 });
}

try {
  ensureNodeModules();
  ensurePythonTools();
  await buildCli();
  linkCli();
} catch (err) {
  console.error(`[setup] failed: ${err.message}`);
  process.exit(1);
}
