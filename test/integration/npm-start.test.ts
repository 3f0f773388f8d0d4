/**
 * `npm start` as a user runs it (the real script in its own process, with its own dev server database): a date
 * outside the demo ends COMPLETE with `--exit`, and `npm start` interrupted and started again ends COMPLETE too.
 * Ports and the data folder are a test's own (GAMEDAY_CONFIG), the day's clock 2400 times faster.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../warehouse/emulator';

const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

async function stackEnv(): Promise<NodeJS.ProcessEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-npm-start-'));
  const [temporal, ui, bridge, platform] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const file = join(dir, 'config.json');
  writeFileSync(
    file,
    JSON.stringify({
      localStack: { temporalPort: temporal, uiPort: ui, dataDir: join(dir, 'data') },
      bridge: { port: bridge },
      platform: { scheduleUrl: `http://127.0.0.1:${platform}` },
      alerts: { ledgerPath: join(dir, 'alerts-sent.jsonl') },
    }),
  );
  return { ...process.env, GAMEDAY_CONFIG: file, GAMEDAY_TIME_SCALE: String(1 / 2400) };
}

/** Runs `npm start` (scripts/start.ts) until it exits, or until `stopWhen` matches its output (then Ctrl-C). */
function npmStart(args: string[], env: NodeJS.ProcessEnv, stopWhen?: RegExp): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(TSX, [join(ROOT, 'scripts', 'start.ts'), ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let interrupted = false;
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (stopWhen && !interrupted && stopWhen.test(output)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code, signal) => resolve({ code, signal, output }));
  });
}

test('npm start -- --date 2026-02-03 --exit: a date outside the demo lives its day and exits 0', async () => {
  const env = await stackEnv();
  const run = await npmStart(['--date', '2026-02-03', '--exit'], env);
  expect(run.output).toMatch(/2026-02-03: COMPLETE/);
  expect(run.output).toMatch(/overnight · gap check at 09:00: DONE/);
  expect(run.code).toBe(0);
}, 300_000);

test('npm start interrupted during the same_day cycle, then started again: the date ends COMPLETE', async () => {
  const env = await stackEnv();
  const first = await npmStart(['--date', '2026-02-04'], env, /cycle same_day: RUNNING/);
  expect(first.output).toMatch(/cycle same_day: RUNNING/);
  expect(first.code).toBe(130);
  const second = await npmStart(['--date', '2026-02-04', '--exit'], env);
  // The run the interrupted stack left is terminated (its day clock was that stack's) and the date runs again.
  expect(second.output).toMatch(/terminated 1 run\(s\) left by an interrupted npm start: gameday-2026-02-04/);
  expect(second.output).toMatch(/2026-02-04 ran on this server before \(TERMINATED\); started a new run/);
  expect(second.output).toMatch(/2026-02-04: COMPLETE/);
  expect(second.code).toBe(0);
}, 400_000);

/** The process IDs below `root` now (Linux /proc). */
function descendantsOf(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parentOf.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Ended while we looked.
    }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    for (const [child, parent] of parentOf) {
      if (parent !== pid || found.includes(child)) continue;
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

(process.platform === 'linux' ? test : test.skip)(
  'npm start killed with SIGKILL: its dev server and emulator do not outlive it (the watchdog stops them)',
  async () => {
    const env = await stackEnv();
    // node --import tsx: the process that is killed is npm start's own (not a tsx wrapper above it).
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'scripts', 'start.ts'), '--date', '2026-02-05'],
      {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    const running = new Promise<void>((resolve) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/started the day of 2026-02-05/.test(output)) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await running;
    const commandOf = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    // Everything npm start started but the watchdog itself (its child too, in a session of its own).
    const below = descendantsOf(child.pid!).filter((pid) => !commandOf(pid).includes('orphan-watchdog'));
    expect(below.map(commandOf).filter((c) => c.includes('temporal server start-dev'))).toHaveLength(1);
    expect(below.map(commandOf).filter((c) => c.includes('bqemulator'))).toHaveLength(1);
    child.kill('SIGKILL');
    await exited;
    const left = () => below.filter(isAlive);
    for (let waited = 0; left().length && waited < 20_000; waited += 250) await new Promise((r) => setTimeout(r, 250));
    expect(left().map((pid) => `${pid}`)).toEqual([]);
  },
  300_000,
);
