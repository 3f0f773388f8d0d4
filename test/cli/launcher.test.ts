/**
 * bin/gameday.js as a whole process, without a server: it runs the bundle with V8's code cache beside it (written
 * when missing or rejected); a run registers only the command it names, skipping global options and their values;
 * a reader that goes away (`| head`) ends the command quietly.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, runCli } from './cli-harness';

const CACHE = join(ROOT, '.tools', 'cli', 'gameday.js.cache');
const noEnv = { TEMPORAL_ADDRESS: '127.0.0.1:1' };

test('the code cache is written when missing and rewritten when rejected; the command runs the same', async () => {
  rmSync(CACHE, { force: true });
  const first = await runCli(['--help'], noEnv);
  expect(first.code).toBe(0);
  // No cache means bin/gameday.js did not run the bundle: it is older than a source (run `npm run setup`).
  expect(existsSync(CACHE)).toBe(true);
  expect(statSync(CACHE).size).toBeGreaterThan(10_000);
  writeFileSync(CACHE, 'not a V8 code cache');
  const second = await runCli(['--help'], noEnv);
  expect(second.code).toBe(0);
  expect(second.stdout).toBe(first.stdout);
  expect(readFileSync(CACHE).length).toBeGreaterThan(10_000);
  const third = await runCli(['--help'], noEnv);
  expect(third.stdout).toBe(first.stdout);
});

test('one command registered: the word after the global options and their values (even one named like a command)', async () => {
  const run = await runCli(['--namespace', 'status', '--connect-timeout', '1', 'dashboard', '--help'], noEnv);
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/^Usage: gameday dashboard \[options\]/);
  const all = await runCli(['--help'], noEnv);
  for (const name of ['status', 'dashboard', 'force-predictions', 'import-legacy', 'shadow-report', 'schedule']) {
    expect(all.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  }
  const typo = await runCli(['statuz'], noEnv);
  expect(typo.code).toBe(3);
  expect(typo.stderr).toMatch(/unknown command 'statuz'[\s\S]*Did you mean status\?/);
});

test('a reader that closes first (`gameday --help | head -0`): the command ends without a stack trace', async () => {
  const child = spawn(process.execPath, [BIN, '--help'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(stderr).toBe('');
  expect(code).toBe(0);
});
