/**
 * The production worker: `npm run build` (tsc + the prebuilt workflow bundle), then `node <out>/workers/worker.js`
 * as a child process against a dev server: it loads the prebuilt bundle, answers /healthz and /readyz, logs JSON,
 * and on SIGTERM drains and exits 0. The built bridge likewise: JSON logs, /readyz, exit 0 on SIGTERM.
 */
import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startOptions } from '../../clients/pipeline-client';
import { loadConfig } from '../../config/load';
import { freePort } from '../../warehouse/emulator';
import { WORKFLOW_BUNDLE_FILE } from '../../workers/workflow-bundle';
import { createDevServerEnv } from '../helpers/tools';

const ROOT = join(__dirname, '..', '..');
const OUT = join(ROOT, '.gameday', 'test-build');
let env: TestWorkflowEnvironment;
let child: ChildProcess;
let healthUrl: string;
let childEnv: NodeJS.ProcessEnv;
const lines: Record<string, unknown>[] = [];
/** The platform's /schedule, answering each request 1.5 s late: the activity in flight when SIGTERM arrives. */
let slowSchedule: Server;
let scheduleRequested: Promise<void>;
let exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

function waitForLine(predicate: (line: Record<string, unknown>) => boolean, timeoutMs: number) {
  return new Promise<Record<string, unknown>>((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const found = lines.find(predicate);
      if (found || Date.now() - started > timeoutMs) {
        clearInterval(poll);
        if (found) resolve(found);
        else
          reject(
            new Error(`no such log line in ${timeoutMs} ms; got:\n${lines.map((l) => JSON.stringify(l)).join('\n')}`),
          );
      }
    }, 50);
  });
}

beforeAll(async () => {
  execFileSync(process.execPath, [require.resolve('tsx/cli'), join(ROOT, 'scripts', 'build.ts'), '--out-dir', OUT], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  env = await createDevServerEnv();
  let requested: () => void;
  scheduleRequested = new Promise((resolve) => (requested = resolve));
  slowSchedule = createServer((req, res) => {
    requested();
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"games":[]}'), 1500);
  });
  await new Promise<void>((resolve) => slowSchedule.listen(0, '127.0.0.1', resolve));
  const healthPort = await freePort();
  healthUrl = `http://127.0.0.1:${healthPort}`;
  childEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TEMPORAL_ADDRESS: env.address,
    GAMEDAY_TASK_QUEUE: 'gameday-process-test',
    GAMEDAY_HEALTH_PORT: String(healthPort),
    GAMEDAY_METRICS_PORT: String(await freePort()),
    GAMEDAY_SHUTDOWN_GRACE_SECONDS: '5',
    GAMEDAY_SCHEDULE_URL: `http://127.0.0.1:${(slowSchedule.address() as AddressInfo).port}`,
  };
  child = spawn(process.execPath, [join(OUT, 'workers', 'worker.js')], { cwd: ROOT, env: childEnv });
  exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const text of complete) if (text.trim()) lines.push(JSON.parse(text) as Record<string, unknown>);
  });
}, 180_000);

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  slowSchedule?.closeAllConnections();
  slowSchedule?.close();
  await env?.teardown();
});

describe('the built worker process', () => {
  it('starts from the prebuilt workflow bundle and says where it listens, as JSON', async () => {
    const running = await waitForLine((line) => line.message === 'gameday worker running', 60_000);
    expect(running).toMatchObject({
      level: 'info',
      component: 'worker',
      address: env.address,
      taskQueue: 'gameday-process-test',
      workflowCode: join(OUT, WORKFLOW_BUNDLE_FILE),
      health: healthUrl,
    });
  });

  it('answers /healthz and, once polling with Temporal reachable, /readyz', async () => {
    expect((await fetch(`${healthUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${healthUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, detail: expect.stringContaining('RUNNING') });
    expect((await fetch(`${healthUrl}/nope`)).status).toBe(404);
  });

  it('passes the container healthcheck (probe.js reads the port from the same environment)', () => {
    const probe = (env: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, [join(OUT, 'workers', 'probe.js'), 'worker', 'readyz'], { env, encoding: 'utf8' });
    expect(probe(childEnv).status).toBe(0);
    const elsewhere = probe({ ...childEnv, GAMEDAY_HEALTH_PORT: '1' });
    expect(elsewhere.status).toBe(1);
    expect(elsewhere.stderr).toContain('probe failed');
  });

  it('on SIGTERM lets the activity in flight finish, drains and exits 0, its health endpoint closed', async () => {
    const config = loadConfig({ GAMEDAY_TASK_QUEUE: 'gameday-process-test' });
    const handle = await env.client.workflow.start('gameDatePipeline', {
      ...startOptions(config, { gameDate: '2026-01-15', startedBy: 'test' }),
      workflowId: 'gameday-2026-01-15-sigterm',
    });
    await scheduleRequested;
    child.kill('SIGTERM');
    expect(await exit).toEqual({ code: 0, signal: null });
    expect(lines.some((line) => line.message === 'Worker state changed' && line.state === 'DRAINED')).toBe(true);
    expect(lines.at(-1)).toMatchObject({ message: 'gameday worker stopped' });
    await expect(fetch(`${healthUrl}/healthz`)).rejects.toThrow();

    const { events } = await handle.fetchHistory();
    const scheduled = events?.find(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'countScheduledGames',
    );
    const completed = events?.find(
      (e) => String(e.activityTaskCompletedEventAttributes?.scheduledEventId) === String(scheduled?.eventId),
    );
    expect(completed).toBeDefined();
    await handle.terminate('test over');
  });
});

describe('the built bridge process', () => {
  it('logs JSON, answers /readyz while Temporal answers, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const bridge = spawn(process.execPath, [join(OUT, 'workers', 'bridge.js')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TEMPORAL_ADDRESS: env.address,
        GAMEDAY_BRIDGE_PORT: String(port),
      },
    });
    const bridgeExit = new Promise<number | null>((resolve) => bridge.once('exit', (code) => resolve(code)));
    try {
      let output = '';
      bridge.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      for (let i = 0; i < 200 && !output.includes('gameday bridge running'); i++)
        await new Promise((r) => setTimeout(r, 50));
      const running = JSON.parse(output.split('\n').find((line) => line.includes('gameday bridge running')) ?? '{}');
      expect(running).toMatchObject({ level: 'info', component: 'bridge', address: env.address, namespace: 'default' });
      expect(running.pushUrl).toBe(`http://127.0.0.1:${port}/pubsub/push`);
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      bridge.kill('SIGTERM');
      expect(await bridgeExit).toBe(0);
    } finally {
      if (bridge.exitCode === null) bridge.kill('SIGKILL');
    }
  });
});
