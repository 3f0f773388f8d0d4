#!/usr/bin/env node
// The `gameday` launcher. It runs the precompiled CLI that the setup step builds (.tools/cli/gameday.js) while
// that file is newer than every source it was built from; otherwise the TypeScript sources through tsx. The bundle
// remembers the configs it validated next to itself (cli/config-memo.ts), stamped with its build time, and runs with
// V8's code cache of itself (.tools/cli/gameday.js.cache).
/* eslint-disable @typescript-eslint/no-require-imports */
'use strict';
const { existsSync, readFileSync, renameSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

function freshBundle() {
  const dir = join(__dirname, '..', '.tools', 'cli');
  const bundle = join(dir, 'gameday.js');
  const inputs = join(dir, 'inputs.json');
  if (!existsSync(bundle) || !existsSync(inputs)) return undefined;
  const builtAt = statSync(bundle).mtimeMs;
  try {
    const sources = JSON.parse(readFileSync(inputs, 'utf8'));
    if (!sources.every((source) => statSync(source).mtimeMs <= builtAt)) return undefined;
    return { bundle, configMemo: { dir: join(dir, 'configs-accepted'), stamp: String(builtAt) } };
  } catch {
    return undefined;
  }
}

/**
 * Runs the bundle with V8's code cache beside it (.tools/cli/gameday.js.cache): compiling the bundle's functions again
 * on every run is a large share of a short command (Node 20 has no module.enableCompileCache). A missing or rejected
 * cache (another build, another Node) is written after the command, with every function it compiled. The bundle has
 * no import() (scripts/setup.mjs builds it as require), which a vm.Script could not run.
 */
function loadWithCodeCache(bundle) {
  const vm = require('node:vm');
  const Module = require('node:module');
  const { dirname } = require('node:path');
  const cacheFile = `${bundle}.cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(readFileSync(bundle, 'utf8')), { filename: bundle, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once('exit', () => {
      try {
        const partial = `${cacheFile}.${process.pid}`;
        writeFileSync(partial, script.createCachedData());
        renameSync(partial, cacheFile);
      } catch {
        // A cache is an optimisation: without it the bundle is compiled again next time.
      }
    });
  }
  const bundleModule = new Module(bundle, module);
  bundleModule.filename = bundle;
  bundleModule.paths = Module._nodeModulePaths(dirname(bundle));
  script.runInThisContext()(bundleModule.exports, Module.createRequire(bundle), bundleModule, bundle, dirname(bundle));
  return bundleModule.exports;
}

const fresh = process.env.GAMEDAY_CLI_FROM_SOURCE ? undefined : freshBundle();
if (fresh) {
  loadWithCodeCache(fresh.bundle).run(process.argv, { configMemo: fresh.configMemo });
} else {
  require('tsx/cjs');
  require('../cli/main.ts').run();
}
