/**
 * Worker versioning: the worker process (`workers/worker.ts`, as deployed) names its build ID in its start line and
 * on /healthz, and the server stamps it on every workflow task the worker completes. With versioning-based routing
 * on (GAMEDAY_WORKER_VERSIONING=true), on the pinned dev server (Temporal CLI 1.9.1, which has Worker Deployments):
 * a day started on version A stays on A after version B polls and is made current, and new days go to B.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startOptions } from '../../clients/pipeline-client';
import { loadConfig } from '../../config/load';
import { recordActionUpdate } from '../../contracts/workflow-api';
import { addDays, dateInZone } from '../../domain/dates';
import { freePort } from '../../warehouse/emulator';
import { packageVersion, workflowCodeHash } from '../../workers/build-id';
import { bundleWorkflows } from '../../workers/pipeline-worker';
import { createDevServerEnv, temporalCliPath } from '../helpers/tools';
import { until } from '../helpers/until';

const ROOT = join(__dirname, '..', '..');
const TASK_QUEUE = 'gameday-versioning-test';
const dir = mkdtempSync(join(tmpdir(), 'gameday-versioning-'));
const bundleFile = join(dir, 'workflow-bundle.js');
let bundleCode: string;
let env: TestWorkflowEnvironment;
/** The platform's /schedule: three games on every date, so a day opens and waits for its first timer (days ahead). */
let schedule: Server;
const workers: ChildProcess[] = [];
const days: WorkflowHandle[] = [];

interface RunningWorker {
  child: ChildProcess;
  /** The JSON start line ('gameday worker running'). */
  started: Record<string, unknown>;
  healthUrl: string;
}

async function startWorker(extra: NodeJS.ProcessEnv): Promise<RunningWorker> {
  const healthPort = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'workers', 'worker.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: env.address,
      GAMEDAY_TASK_QUEUE: TASK_QUEUE,
      GAMEDAY_HEALTH_PORT: String(healthPort),
      GAMEDAY_METRICS_PORT: '0',
      GAMEDAY_WORKFLOW_BUNDLE: bundleFile,
      GAMEDAY_SCHEDULE_URL: `http://127.0.0.1:${(schedule.address() as AddressInfo).port}`,
      GAMEDAY_ALERT_LEDGER: join(dir, `alerts-sent-${workers.length}.jsonl`),
      ...extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  workers.push(child);
  const started = await new Promise<Record<string, unknown>>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.includes('"gameday worker running"'));
      if (line) resolve(JSON.parse(line) as Record<string, unknown>);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`the worker exited (${code}) before it ran: ${output.slice(-2000)}`)),
    );
  });
  return { child, started, healthUrl: `http://127.0.0.1:${healthPort}` };
}

async function stopWorker(worker: RunningWorker): Promise<void> {
  const exited = new Promise((resolve) => worker.child.once('exit', resolve));
  worker.child.kill('SIGTERM');
  await exited;
}

/** The documented command: `temporal worker deployment set-current-version`, once the version has polled. */
function setCurrentVersion(deploymentName: string, buildId: string): Promise<string> {
  const args = ['worker', 'deployment', 'set-current-version', '--deployment-name', deploymentName];
  return until(
    `${deploymentName} ${buildId} current`,
    () => {
      try {
        return execFileSync(
          temporalCliPath(),
          [...args, '--build-id', buildId, '--yes', '--address', env.address, '--namespace', 'default'],
          { encoding: 'utf8', stdio: 'pipe' },
        );
      } catch {
        return undefined; // the version is not registered yet: its worker has not polled
      }
    },
    30_000,
  );
}

let nextDate = addDays(dateInZone(Date.now(), 'America/New_York'), 5);
async function startDay(): Promise<WorkflowHandle> {
  const config = loadConfig({ GAMEDAY_TASK_QUEUE: TASK_QUEUE });
  const gameDate = nextDate;
  nextDate = addDays(nextDate, 1);
  const handle = await env.client.workflow.start('gameDatePipeline', {
    ...startOptions(config, { gameDate, startedBy: 'test' }),
  });
  days.push(handle);
  return handle;
}

/** The workflow tasks completed so far: who completed them and the version the server stamped on each. */
async function completedTasks(handle: WorkflowHandle) {
  const { events } = await handle.fetchHistory();
  return (events ?? [])
    .map((e) => e.workflowTaskCompletedEventAttributes)
    .filter((a) => a !== null && a !== undefined)
    .map((a) => ({
      identity: a.identity ?? undefined,
      buildId: a.workerVersion?.buildId ?? undefined,
      deploymentName: a.deploymentVersion?.deploymentName ?? undefined,
      deploymentBuildId: a.deploymentVersion?.buildId ?? undefined,
    }));
}

beforeAll(async () => {
  bundleCode = (await bundleWorkflows()).code;
  writeFileSync(bundleFile, bundleCode);
  env = await createDevServerEnv();
  schedule = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ games: [{ game_status: 1 }, { game_status: 1 }, { game_status: 1 }] }));
  });
  await new Promise<void>((resolve) => schedule.listen(0, '127.0.0.1', resolve));
}, 180_000);

afterAll(async () => {
  for (const day of days) await day.terminate('test over').catch(() => undefined);
  for (const child of workers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  schedule?.close();
  await env?.teardown();
});

test('the config: GAMEDAY_BUILD_ID, GAMEDAY_DEPLOYMENT_NAME, GAMEDAY_WORKER_VERSIONING (off unless set)', () => {
  expect(loadConfig({}).worker).toMatchObject({
    deploymentName: 'gameday',
    useWorkerVersioning: false,
    defaultVersioningBehavior: 'PINNED',
  });
  expect(loadConfig({}).worker.buildId).toBeUndefined();
  const set = loadConfig({
    GAMEDAY_BUILD_ID: '2026.03.01-ab12cd3',
    GAMEDAY_DEPLOYMENT_NAME: 'gameday-prod',
    GAMEDAY_WORKER_VERSIONING: 'true',
    GAMEDAY_VERSIONING_BEHAVIOR: 'AUTO_UPGRADE',
  }).worker;
  expect(set).toMatchObject({
    buildId: '2026.03.01-ab12cd3',
    deploymentName: 'gameday-prod',
    useWorkerVersioning: true,
    defaultVersioningBehavior: 'AUTO_UPGRADE',
  });
  expect(loadConfig({ GAMEDAY_WORKER_VERSIONING: '0' }).worker.useWorkerVersioning).toBe(false);
  expect(() => loadConfig({ GAMEDAY_WORKER_VERSIONING: 'yes' })).toThrow(/GAMEDAY_WORKER_VERSIONING="yes"/);
  expect(() => loadConfig({ GAMEDAY_DEPLOYMENT_NAME: 'gameday.prod' })).toThrow(/worker.deploymentName/);
});

test('by default the build ID is the package version and the workflow bundle hash: logged, on /healthz, stamped on each workflow task', async () => {
  const worker = await startWorker({});
  const buildId = `${packageVersion()}+${workflowCodeHash(bundleCode)}`;
  expect(buildId).toMatch(/^\d+\.\d+\.\d+\+[0-9a-f]{12}$/);
  expect(worker.started).toMatchObject({
    message: 'gameday worker running',
    buildId,
    buildIdFrom: 'workflow-bundle',
    deploymentName: 'gameday',
    workerVersioning: false,
  });
  expect(await (await fetch(`${worker.healthUrl}/healthz`)).json()).toEqual({
    ok: true,
    buildId,
    deploymentName: 'gameday',
    workerVersioning: false,
  });

  const day = await startDay();
  const tasks = await until('the first workflow task completed', async () => {
    const done = await completedTasks(day);
    return done.length ? done : undefined;
  });
  // Unversioned: the server stamps the build ID (workerVersion) but binds the day to no deployment version: any
  // worker of the task queue may take its next task.
  expect(tasks[0]).toEqual({
    identity: expect.any(String),
    buildId,
    deploymentName: undefined,
    deploymentBuildId: undefined,
  });
  const { raw } = await day.describe();
  expect(raw.workflowExecutionInfo?.versioningInfo?.behavior ?? 0).toBe(0);
  await day.terminate('test over');
  await stopWorker(worker);
}, 120_000);

test('with GAMEDAY_WORKER_VERSIONING=true a day started on version A stays pinned to A while version B polls and is current', async () => {
  const deploymentName = 'gameday-versioning-test';
  const versioned = { GAMEDAY_WORKER_VERSIONING: 'true', GAMEDAY_DEPLOYMENT_NAME: deploymentName };
  const a = await startWorker({ ...versioned, GAMEDAY_BUILD_ID: '0.1.0-a' });
  expect(a.started).toMatchObject({
    buildId: '0.1.0-a',
    buildIdFrom: 'config',
    deploymentName,
    workerVersioning: true,
    versioningBehavior: 'PINNED',
  });
  await setCurrentVersion(deploymentName, '0.1.0-a');
  const onA = await startDay();
  await until('the day opened on A', async () => ((await completedTasks(onA)).length ? true : undefined));
  const pinnedTo = async (handle: WorkflowHandle) => {
    const info = (await handle.describe()).raw.workflowExecutionInfo?.versioningInfo;
    return { behavior: info?.behavior, buildId: info?.deploymentVersion?.buildId };
  };
  expect(await pinnedTo(onA)).toEqual({ behavior: 1, buildId: '0.1.0-a' }); // VERSIONING_BEHAVIOR_PINNED

  const b = await startWorker({ ...versioned, GAMEDAY_BUILD_ID: '0.1.0-b' });
  await setCurrentVersion(deploymentName, '0.1.0-b');
  // A new task of the day started on A (an operator's note) is still A's, though B polls and is current.
  await onA.executeUpdate(recordActionUpdate, { args: [{ action: 'note', reason: 'after B', user: 'test' }] });
  const tasksOfA = await completedTasks(onA);
  expect(tasksOfA.length).toBeGreaterThan(1);
  expect(new Set(tasksOfA.map((t) => t.deploymentBuildId))).toEqual(new Set(['0.1.0-a']));
  expect(await pinnedTo(onA)).toEqual({ behavior: 1, buildId: '0.1.0-a' });
  // New days start on the current version.
  const onB = await startDay();
  await until('the day opened on B', async () => ((await completedTasks(onB)).length ? true : undefined));
  expect((await completedTasks(onB)).map((t) => t.deploymentBuildId)).toEqual(['0.1.0-b']);
  expect(await pinnedTo(onB)).toEqual({ behavior: 1, buildId: '0.1.0-b' });

  // With A gone, B does not take the pinned day's tasks: they wait for a worker of A.
  await stopWorker(a);
  const before = (await completedTasks(onA)).length;
  const note = onA.executeUpdate(recordActionUpdate, { args: [{ action: 'note', reason: 'A gone', user: 'test' }] });
  note.catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  expect((await completedTasks(onA)).length).toBe(before);
  await onB.executeUpdate(recordActionUpdate, { args: [{ action: 'note', reason: 'B still works', user: 'test' }] });
  const a2 = await startWorker({ ...versioned, GAMEDAY_BUILD_ID: '0.1.0-a' });
  await note;
  expect(new Set((await completedTasks(onA)).map((t) => t.deploymentBuildId))).toEqual(new Set(['0.1.0-a']));
  await stopWorker(a2);
  await stopWorker(b);
}, 180_000);
