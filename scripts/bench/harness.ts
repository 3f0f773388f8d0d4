/**
 * The stack the latency and season benchmarks share: the pinned dev server, the instant platform, the real bridge
 * (HTTP push -> signal) and the pipeline worker with its real activities over HTTP, one day clock per date; beside
 * it the bare-Temporal floor (its own worker and a relay doing HTTP -> client -> signal as the bridge does).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { precomputeBehindGateActivities } from '../../activities/platform/precompute-behind-gate';

type ActivitiesOf = ReturnType<typeof createActivities>;
import { startBridge, type BridgeServer } from '../../bridge/server';
import { loadConfig } from '../../config/load';
import type { GamedayConfig } from '../../config/schema';
import { WORKFLOWS_PATH } from '../../workers/pipeline-worker';
import { bundleInChild } from './bundle';
import { startWorkerProcess, type WorkerProcess } from './worker-process';
import { createDevServerEnv } from '../../test/helpers/tools';
import { DayClocks } from './day-clocks';
import { floorActivities } from './floor-activities';
import { goSignal } from './floor-workflow';
import { startInstantPlatform, type Fault, type Arrival, type InstantPlatform } from './instant-platform';

export interface Stack {
  env: TestWorkflowEnvironment;
  config: GamedayConfig;
  clocks: DayClocks;
  platform: InstantPlatform;
  bridge: BridgeServer;
  /** The worker's own process, when `workerProcess` was asked for (else the worker runs in this process). */
  workerProcess?: WorkerProcess;
  /** Posts a push envelope to the bridge; resolves when the bridge answered. */
  push(envelope: object): Promise<number>;
  floor: Floor;
  /** Each date's data-gate checks, timed inside the worker (the query, without scheduling or dispatch). */
  gateMs: Map<string, number[]>;
  stop(): Promise<void>;
}

export interface Floor {
  taskQueue: string;
  /** Starts a floor workflow; `signal` sends its one signal through the relay (HTTP -> client -> signal). */
  start(id: string): Promise<void>;
  signal(id: string): Promise<void>;
}

export interface StackOptions {
  timeScale: number;
  /** Where each date's day starts when its workflow first loads its settings. */
  startsAt: string;
  games?: number;
  fault?: (arrival: Arrival) => Fault;
  env?: TestWorkflowEnvironment;
  /** Runs the pipeline worker in a process of its own (its memory measured alone). */
  workerProcess?: boolean;
  /** The warehouse the activities query (the BigQuery emulator); default off (gates pass without a query). */
  warehouse?: Partial<GamedayConfig['warehouse']>;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const env = options.env ?? (await createDevServerEnv());
  const stops: (() => Promise<unknown>)[] = options.env ? [] : [() => env.teardown()];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch(() => undefined);
  };
  try {
    const base = loadConfig({}, { timeScale: options.timeScale });
    // The run settings come from the config's workflow-facing part, the same in `base` and `config`.
    const clocks = new DayClocks(base, options.startsAt);
    const platform = await startInstantPlatform({
      config: base,
      games: options.games ?? 7,
      dayNow: (gameDate) => clocks.dayNow(gameDate),
      fault: options.fault,
    });
    stops.push(() => platform.close());
    const config = loadConfig(
      {},
      {
        timeScale: options.timeScale,
        ...(options.warehouse ? { warehouse: options.warehouse } : {}),
        temporal: { address: env.address },
        bridge: { port: 0 },
        platform: {
          scheduleUrl: platform.url,
          analyticsUrl: `${platform.url}/phase3`,
          precomputeUrl: `${platform.url}/phase4`,
          coordinatorUrl: `${platform.url}/coordinator`,
          exportPushUrl: `${platform.url}/export/push`,
          gradingPushUrl: `${platform.url}/grading/push`,
        },
      },
    );
    const gateMs = new Map<string, number[]>();
    const bridge = await startBridge({ client: env.client, config });
    stops.push(() => bridge.close());
    platform.setPushUrl(bridge.pushUrl);
    const bundle = await bundleInChild(WORKFLOWS_PATH, 'pipeline');
    let workerProcess: WorkerProcess | undefined;
    if (options.workerProcess) {
      const settings = await serveSettings(clocks);
      stops.push(() => settings.close());
      workerProcess = await startWorkerProcess({ kind: 'pipeline', config, bundle, settingsUrl: settings.url });
      stops.push(() => (workerProcess as WorkerProcess).stop());
    } else {
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue: config.temporal.taskQueue,
        workflowBundle: { codePath: bundle },
        activities: timeGates({ ...createActivities(config), ...clocks.activities() }, gateMs),
      });
      const running = worker.run();
      stops.push(async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
      });
    }
    const floor = await startFloor(env, platform.url, stops);
    const push = async (envelope: object) => {
      const res = await fetch(bridge.pushUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(envelope),
      });
      await res.arrayBuffer();
      return res.status;
    };
    return { env, config, clocks, platform, bridge, workerProcess, push, floor, gateMs, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function timeGates<
  A extends {
    checkDataGate: ActivitiesOf['checkDataGate'];
    runPrecomputeProcessor: ActivitiesOf['runPrecomputeProcessor'];
  },
>(activities: A, into: Map<string, number[]>): A {
  const check = activities.checkDataGate;
  const parts = {
    ...activities,
    async checkDataGate(request: Parameters<typeof check>[0]) {
      const started = performance.now();
      try {
        return await check(request);
      } finally {
        const times = into.get(request.gameDate) ?? [];
        times.push(performance.now() - started);
        into.set(request.gameDate, times);
      }
    },
  };
  // Phase 4's gate rides with its first call: that activity's gate is timed too.
  return { ...parts, ...precomputeBehindGateActivities(parts) };
}

/** Each date's run settings (its day clock) over HTTP, for a worker in another process. */
async function serveSettings(clocks: DayClocks): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const workflowId = new URL(req.url ?? '/', 'http://x').searchParams.get('workflow_id') ?? '';
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(clocks.settingsFor(workflowId)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/settings`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function startFloor(env: TestWorkflowEnvironment, platformUrl: string, stops: (() => Promise<unknown>)[]) {
  const taskQueue = 'bench-floor';
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: await bundleInChild(require.resolve('./floor-workflow'), 'floor') },
    activities: floorActivities(`${platformUrl}/floor`),
  });
  const running = worker.run();
  stops.push(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
  });
  // The relay: what the bridge does for one message, without the message rules.
  const relay = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const { id } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string };
      env.client.workflow
        .getHandle(id)
        .signal(goSignal)
        .then(
          () => res.writeHead(200).end('{}'),
          () => res.writeHead(503).end('{}'),
        );
    });
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  stops.push(() => new Promise<void>((resolve) => relay.close(() => resolve())));
  const relayUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}/signal`;
  const floor: Floor = {
    taskQueue,
    async start(id) {
      await env.client.workflow.start('floorWorkflow', { taskQueue, workflowId: id, args: [id] });
    },
    async signal(id) {
      const res = await fetch(relayUrl, { method: 'POST', body: JSON.stringify({ id }) });
      await res.arrayBuffer();
    },
  };
  return floor;
}
