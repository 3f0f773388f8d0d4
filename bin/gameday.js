#!/usr/bin/env node
// The `gameday` launcher. It runs the precompiled CLI that the setup step builds (.tools/cli/gameday.js) while
// that file is newer than every source it was built from; otherwise the TypeScript sources through tsx. The bundle
// remembers the configs it validated next to itself (cli/config-memo.ts), stamped with its build time.
/* eslint-disable @typescript-eslint/no-require-imports */
'use strict';
const { existsSync, readFileSync, statSync } = require('node:fs');
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

const fresh = process.env.GAMEDAY_CLI_FROM_SOURCE ? undefined : freshBundle();
if (fresh) {
  require(fresh.bundle).run(process.argv, { configMemo: fresh.configMemo });
} else {
  require('tsx/cjs');
  require('../cli/main.ts').run();
}
