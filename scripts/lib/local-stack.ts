/**
 * The embedded stack of `npm start` and the integration tests: the pinned Temporal dev server with its UI, the
 * pipeline worker, the completion bridge, the local platform and (when installed) the BigQuery emulator, all on
 * 127.0.0.1, wired over real gRPC and HTTP, sharing one day clock.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { Client, Connection } from '@temporalio/client';
import type { GamedayConfig } from '../../config/schema';
import { loadConfig } from '../../config/load';
import { startBridge, type BridgeServer } from '../../bridge/server';
import { PIPELINE_SEARCH_ATTRIBUTES } from '../../contracts/search-attributes';
import { PIPELINE_WORKFLOW_TYPE } from '../../contracts/workflow-api';
import { addDays, dateInZone } from '../../domain/dates';
import { dayTimeInstant } from '../../domain/day-times';
import { clockFrom, virtualNow } from '../../domain/clock';
import { startLocalPlatform, type LocalPlatform, type Scenario } from '../../local-platform';
import { bundleWorkflows, createPipelineWorker } from '../../workers/pipeline-worker';
import { applyWarehouse } from '../../warehouse/apply';
import { createBigQueryClient } from '../../warehouse/client';
import { emulatorUnavailableReason, startBigQueryEmulator } from '../../warehouse/emulator';
import { bigQuerySink, seedDemoDates, seedSchedule } from '../../warehouse/seed';
import { startupSteps } from './startup-step';

const ROOT = resolve(__dirname, '..', '..');

/**
 * Calls to the local platform in real seconds while the day runs hundreds of times faster: the synchronous phase-4
 * call of a hung processor ends in the platform's timeout in seconds, and an open circuit tests again after a second
 * (a minute of real time would be hours of the day).
 */
const LOCAL_PLATFORM_CALLS = {
  precomputeTimeoutSeconds: 20,
  breaker: { failureThreshold: 5, halfOpenAfterSeconds: 1, minRetrySeconds: 1 },
};

export interface LocalStack {
  config: GamedayConfig;
  client: Client;
  platform: LocalPlatform;
  bridge: BridgeServer;
  /** The in-process worker; none when the test runs its workers as processes of their own. */
  worker?: Worker;
  uiUrl: string;
  warehouseEndpoint?: string;
  /** Runs left by an earlier stack on the same database (their day clock was that stack's), terminated at start. */
  terminatedLeftovers: string[];
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  scenario: Scenario;
  /** Persist the dev server's database under localStack.dataDir (npm start) or keep it in memory (tests). */
  persistent: boolean;
  /** Random free ports instead of the configured ones (tests). */
  randomPorts?: boolean;
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Start the BigQuery emulator (default: when installed). */
  warehouse?: boolean;
  /** The date whose day the stack's clock starts on (at localStack.startsAt); none: the wall clock. */
  dayOf?: string;
  /** Overrides the config's values for this stack (e.g. a faster time scale in tests). */
  overrides?: object;
  /** Each start-up step as it begins and ends (npm start prints them). */
  progress?: (line: string) => void;
  /** false: no worker in this process (a chaos test runs `workers/worker.ts` as a child it can kill). */
  inProcessWorker?: boolean;
  /** A Temporal server already running (a chaos test's, which it kills and restarts) instead of the dev server. */
  temporalAddress?: string;
}

/** The parts of a Temporal environment the stack uses. */
interface TemporalServer {
  address: string;
  client: Client;
  nativeConnection: NativeConnection;
  teardown(): Promise<void>;
}

async function connectTo(address: string): Promise<TemporalServer> {
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    address,
    client: new Client({ connection, namespace: 'default' }),
    nativeConnection,
    async teardown() {
      await nativeConnection.close();
      await connection.close();
    },
  };
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const base = loadConfig(env, options.overrides);
  const timeScale = env.GAMEDAY_TIME_SCALE ? base.timeScale : base.localStack.timeScale;
  // The day's clock starts once the slow parts (dev server, emulator, seeding) are up: realAnchor is set below.
  const virtualAnchor = options.dayOf
    ? new Date(dayTimeInstant(options.dayOf, base.localStack.startsAt, base.timeZone)).toISOString()
    : undefined;
  const { temporalPort, uiPort, httpPort, dataDir } = base.localStack;
  const steps = startupSteps(base.localStack.stepTimeoutSeconds * 1000, options.progress ?? log);
  if (!Runtime._instance) {
    // One line per warning: alerts and acknowledged messages already show in the progress output.
    const compact = new DefaultLogger('WARN', (entry) => log(`[worker] ${entry.level} ${entry.message}`));
    Runtime.install({ logger: compact });
  }
  let dbFilename: string | undefined;
  if (options.persistent) {
    mkdirSync(resolve(ROOT, dataDir), { recursive: true });
    dbFilename = join(resolve(ROOT, dataDir), 'temporal.db');
  }
  const startServer = () =>
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: join(ROOT, '.tools', 'venv', 'bin', 'temporal') },
        ip: '127.0.0.1',
        port: options.randomPorts ? undefined : temporalPort,
        ui: !options.randomPorts,
        uiPort: options.randomPorts ? undefined : uiPort,
        dbFilename,
        searchAttributes: PIPELINE_SEARCH_ATTRIBUTES,
        // The HTTP API `gameday status` reads (temporal.httpAddress defaults to this port); random ports: its own.
        extraArgs: options.randomPorts ? [] : ['--http-port', String(httpPort)],
      },
    }).catch((err: Error) => {
      throw new Error(`cannot start the Temporal dev server on 127.0.0.1:${temporalPort}: ${err.message}`);
    });
  const temporalAddress = options.temporalAddress;
  const server: TemporalServer = temporalAddress
    ? await steps.run(`the Temporal server at ${temporalAddress}`, () => connectTo(temporalAddress))
    : await steps.run(
        `the Temporal dev server${options.randomPorts ? '' : ` on 127.0.0.1:${temporalPort}`}`,
        startServer,
        (late) => late.teardown(),
      );
  const stops: (() => Promise<unknown>)[] = [() => server.teardown()];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch(() => undefined);
  };
  try {
    const terminatedLeftovers = await steps.run('the runs left by an earlier npm start', () =>
      terminateLeftovers(server.client, base),
    );
    const uiUrl = options.randomPorts ? '' : `http://127.0.0.1:${uiPort}`;
    const warehouse = await steps.run(
      'the BigQuery emulator and its tables',
      () =>
        startWarehouse(options, loadConfig(env, { ...options.overrides, timeScale, clock: { virtualAnchor } }), log),
      (late) => late?.stop() ?? Promise.resolve(),
    );
    if (warehouse) stops.push(() => warehouse.stop());
    const workflowBundle = await steps.run('the workflow bundle', () => bundleWorkflows());
    // The day begins two seconds from now, when the bridge, platform and worker are up (their start-up is seconds,
    // hours of the day's time at a large scale): the platform's first scrape of the date is still ahead.
    const clock = virtualAnchor ? { virtualAnchor, realAnchor: new Date(Date.now() + 2000).toISOString() } : {};
    const stackOverrides = {
      ...options.overrides,
      timeScale,
      clock,
      temporal: { address: server.address, uiUrl: uiUrl || base.temporal.uiUrl },
      platform: LOCAL_PLATFORM_CALLS,
    };
    const bridgeConfig = loadConfig(env, { ...stackOverrides, bridge: options.randomPorts ? { port: 0 } : {} });
    const bridge = await steps.run(
      'the completion bridge',
      () => startBridge({ client: server.client, config: bridgeConfig, log: (line) => log(`[bridge] ${line}`) }),
      (late) => late.close(),
    );
    stops.push(() => bridge.close());
    const platformConfig = loadConfig(env, stackOverrides);
    const platformPort = options.randomPorts ? 0 : Number(new URL(base.platform.scheduleUrl).port);
    const platform = await steps.run(
      'the local platform',
      () =>
        startLocalPlatform({
          config: platformConfig,
          scenario: options.scenario,
          publishUrl: bridge.pushUrl,
          port: platformPort,
          log: (line) => log(`[platform] ${line}`),
          warehouse: warehouse?.sink(platformConfig),
        }),
      (late) => late.close(),
    );
    stops.push(() => platform.close());
    // The platform's own day of the stack's date starts with the clock (its first scrape is just ahead).
    const dayOf = options.dayOf;
    if (dayOf)
      await steps.run(`the local platform's day of ${dayOf}`, () =>
        fetch(`${platform.url}/_local/days`, {
          method: 'POST',
          body: JSON.stringify({ game_date: dayOf }),
          headers: { 'content-type': 'application/json' },
        }),
      );
    const config = loadConfig(env, {
      ...stackOverrides,
      ...(warehouse ? { warehouse: warehouse.settings } : {}),
      platform: {
        ...LOCAL_PLATFORM_CALLS,
        scheduleUrl: platform.url,
        analyticsUrl: `${platform.url}/phase3`,
        precomputeUrl: `${platform.url}/phase4`,
        coordinatorUrl: `${platform.url}/coordinator`,
        exportPushUrl: `${platform.url}/export/push`,
        gradingPushUrl: `${platform.url}/grading/push`,
      },
    });
    if (options.inProcessWorker === false) {
      return {
        config,
        client: server.client,
        platform,
        bridge,
        uiUrl,
        warehouseEndpoint: warehouse?.settings.apiEndpoint,
        terminatedLeftovers,
        stop,
      };
    }
    const worker = await steps.run(
      `the pipeline worker on task queue ${config.temporal.taskQueue}`,
      () =>
        createPipelineWorker({
          config,
          connection: server.nativeConnection,
          deps: warehouse ? { bigQuery: warehouse.bq } : undefined,
          workflowBundle,
        }),
      (late) => Promise.resolve(late.shutdown()),
    );
    const running = worker.run();
    stops.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });
    return {
      config,
      client: server.client,
      platform,
      bridge,
      worker,
      uiUrl,
      warehouseEndpoint: warehouse?.settings.apiEndpoint,
      terminatedLeftovers,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Date workflows still running on a persistent database belong to an earlier stack's clock: they are terminated. */
async function terminateLeftovers(client: Client, config: GamedayConfig): Promise<string[]> {
  const ids: string[] = [];
  for await (const info of client.workflow.list({
    query: `WorkflowType = '${PIPELINE_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'`,
  })) {
    if (!info.workflowId.startsWith(config.temporal.workflowIdPrefix)) continue;
    await client.workflow
      .getHandle(info.workflowId, info.runId)
      .terminate("left running by an interrupted npm start: its day clock was that stack's")
      .catch(() => undefined);
    ids.push(info.workflowId);
  }
  return ids;
}

/** Every date a user may run against the stack: the 2025-26 season, the weeks around today, and the stack's day. */
function scheduleDates(config: GamedayConfig, dayOf?: string): string[] {
  const dates = new Set<string>();
  for (let d = '2025-10-21'; d <= '2026-06-30'; d = addDays(d, 1)) dates.add(d);
  const today = dateInZone(Date.now(), config.timeZone);
  for (let i = -30; i <= 30; i++) dates.add(addDays(today, i));
  if (dayOf) for (let i = -10; i <= 10; i++) dates.add(addDays(dayOf, i));
  return [...dates].sort();
}

/**
 * The warehouse of the local stack: the BigQuery emulator (pinned PyPI package), the datasets, tables and view, the
 * schedule of every date from the local platform's schedule source, the demo dates, and the platform's sink.
 */
async function startWarehouse(options: LocalStackOptions, base: GamedayConfig, log: (line: string) => void) {
  const unavailable = emulatorUnavailableReason();
  if (options.warehouse === false) return undefined;
  if (unavailable) {
    if (options.warehouse) throw new Error(`the BigQuery emulator cannot start: ${unavailable}`);
    log(`[warehouse] off: ${unavailable}`);
    return undefined;
  }
  const emulator = await startBigQueryEmulator();
  try {
    const settings = {
      ...base.warehouse,
      enabled: true,
      projectId: emulator.projectId,
      apiEndpoint: emulator.apiEndpoint,
    };
    const config = loadConfig(options.env ?? process.env, {
      ...options.overrides,
      clock: base.clock,
      timeScale: base.timeScale,
      warehouse: settings,
    });
    const bq = createBigQueryClient(config.warehouse);
    const changes = await applyWarehouse(bq, config, { platformTables: true });
    // Seeded as of the day's start: the stack's clock is not running yet.
    const seededAt = new Date(config.clock.virtualAnchor ? Date.parse(config.clock.virtualAnchor) : Date.now());
    await seedDemoDates(bq, config, seededAt);
    const rows = await seedSchedule(bq, config, scheduleDates(config, options.dayOf), seededAt);
    log(
      `[warehouse] BigQuery emulator ${emulator.apiEndpoint}: ${changes.length} objects applied, ${rows} schedule rows`,
    );
    /** The platform's sink, on the platform's running clock. */
    const sink = (platformConfig: GamedayConfig) => bigQuerySink(bq, config, dayClockNow(platformConfig));
    return { settings, bq, sink, stop: () => emulator.stop() };
  } catch (err) {
    await emulator.stop();
    throw err;
  }
}

function dayClockNow(config: GamedayConfig): () => Date {
  const clock = clockFrom({ scale: config.timeScale, ...config.clock }, Date.now());
  return () => new Date(virtualNow(clock, Date.now()));
}
