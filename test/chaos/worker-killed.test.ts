/**
 * Chaos: the worker process is killed with SIGKILL in the middle of phase 4 (a synchronous precompute call in
 * flight) and again in the middle of phase 5 (a prediction batch running), and started again each time. The day goes
 * on: the call in flight is retried after its heartbeat timeout (30 s, not the 10-minute start-to-close), with the
 * same idempotency key, so the local platform runs each processor once and starts one batch.
 * The worker is the real entry point (`workers/worker.ts`) in a child process; the local platform and bridge run here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOrAttach } from '../../clients/pipeline-client';
import type { DayState } from '../../contracts/state';
import { pipelineStateQuery } from '../../contracts/workflow-api';
import { SCENARIOS, type RequestEvent, type RunEvent } from '../../local-platform';
import { startLocalStack, type LocalStack } from '../../scripts/lib/local-stack';
import { quietRuntime } from '../helpers/tools';

const ROOT = join(__dirname, '..', '..');
const gameDate = '2026-02-18';
let stack: LocalStack;
let worker: ChildProcess | undefined;
let configFile: string;

function startWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'workers', 'worker.ts')], {
    cwd: ROOT,
    env: { ...process.env, GAMEDAY_CONFIG: configFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('gameday worker running')) resolve(child);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`the worker exited (${code}) before it ran: ${output.slice(-2000)}`)),
    );
  });
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 180_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const requests = (path: string) =>
  stack.platform.events().filter((e): e is RequestEvent => e.type === 'request' && e.path === path);

beforeAll(async () => {
  quietRuntime();
  stack = await startLocalStack({
    scenario: SCENARIOS.happy,
    persistent: false,
    randomPorts: true,
    dayOf: gameDate,
    warehouse: false,
    inProcessWorker: false,
    env: { GAMEDAY_TIME_SCALE: String(1 / 120) },
    overrides: { localStack: { startsAt: 'D-1 17:20' } },
  });
  configFile = join(mkdtempSync(join(tmpdir(), 'gameday-chaos-')), 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      ...stack.config,
      worker: { ...stack.config.worker, healthPort: 0, metricsPort: 0 },
      alerts: { ...stack.config.alerts, ledgerPath: join(tmpdir(), `gameday-chaos-ledger-${process.pid}.jsonl`) },
    }),
  );
}, 120_000);

afterAll(async () => {
  if (worker && worker.exitCode === null) await kill(worker);
  await stack?.client.workflow
    .getHandle(`${stack.config.temporal.workflowIdPrefix}${gameDate}`)
    .terminate('test over')
    .catch(() => undefined);
  await stack?.stop();
});

test('SIGKILL mid phase 4 and mid phase 5, restarted: the day goes on; each processor runs once, one batch', async () => {
  worker = await startWorker();
  const { handle } = await startOrAttach(stack.client, stack.config, { gameDate, startedBy: 'chaos test' });
  const state = () => handle.query(pipelineStateQuery) as Promise<DayState>;
  const step = async (id: string) =>
    (await state().catch(() => undefined))?.cycles.tomorrow.steps.find((s) => s.id === id);

  // Phase 4: killed while its first synchronous call is in flight.
  await until('the first phase-4 call', () => requests('/phase4/process-date')[0]);
  await kill(worker);
  const killedDuringPhase4 = requests('/phase4/process-date').length;
  worker = await startWorker();
  await until('phase 4 done', async () => ((await step('tomorrow/phase4'))?.status === 'DONE' ? true : undefined));

  // Phase 5: killed while the PRE_GAME batch runs (the workflow polls its status).
  await until('the PRE_GAME batch', () => requests('/coordinator/start')[0]);
  await kill(worker);
  worker = await startWorker();
  const wave = await until('the PRE_GAME wave done', async () => {
    const s = await step('tomorrow/wave-1');
    return s?.status === 'DONE' ? s : undefined;
  });
  expect(wave.status).toBe('DONE');

  expect(killedDuringPhase4).toBeLessThan(5);
  const phase4Runs = stack.platform
    .events()
    .filter((e): e is RunEvent => e.type === 'run' && e.phase === 4 && e.gameDate === gameDate);
  const perProcessor = new Map<string, number>();
  for (const run of phase4Runs) perProcessor.set(run.className, (perProcessor.get(run.className) ?? 0) + 1);
  expect([...perProcessor.values()]).toEqual(stack.config.processors[4].map(() => 1));
  expect(perProcessor.size).toBe(stack.config.processors[4].length);
  // A retried call carries the key of the call it repeats: answered from the first, never run again.
  const calls = requests('/phase4/process-date');
  expect(new Set(calls.filter((c) => !c.replayed).map((c) => c.idempotencyKey)).size).toBe(
    calls.filter((c) => !c.replayed).length,
  );
  const starts = requests('/coordinator/start').filter((r) => !r.replayed && r.status < 300);
  expect(starts).toHaveLength(1);
}, 400_000);
