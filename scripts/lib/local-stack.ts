import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { GamedayConfig } from '../../config/schema';
import { loadConfig } from '../../config/load';
import { startBridge, type BridgeServer } from '../../bridge/server';
import { startLocalPlatform, type LocalPlatform, type Scenario } from '../../local-platform';
import { createPipelineWorker } from '../../workers/pipeline-worker';
import { PIPELINE_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { applyWarehouse } from '../../warehouse/apply';
import { createBigQueryClient } from '../../warehouse/client';
import { emulatorUnavailableReason, startBigQueryEmulator } from '../../warehouse/emulator';
import { bigQuerySink, seedDate, seedDemoDates } from '../../warehouse/seed';
import { gamesFor } from '../../local-platform/schedule';

const ROOT = resolve(__dirname, '..', '..');

export interface LocalStack {
  config: GamedayConfig;
  client: Client;
  platform: LocalPlatform;
  bridge: BridgeServer;
  worker: Worker;
  uiUrl: string;
  /** The BigQuery emulator's endpoint when the warehouse is on. */
  warehouseEndpoint?: string;
  /**
   * What the platform has before a date's pipeline starts: its schedule in nba_raw.nbac_schedule (the season
   * schedule scraper loads dates in advance). Clears the date's other platform rows, so a re-run starts over.
   */
  prepareDate(gameDate: string): Promise<void>;
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
  /**
   * Start the BigQuery emulator, create and seed the warehouse, and let the local platform write its rows
   * there, so games, gates and the execution log are real queries. Default: on when the emulator is installed.
   */
  warehouse?: boolean;
}

/**
 * The embedded stack: the pinned Temporal dev server with its UI, the pipeline worker, the completion
 * bridge and the local platform, all on 127.0.0.1, wired to each other over real gRPC and HTTP.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const base = loadConfig(env);
  const timeScale = env.GAMEDAY_TIME_SCALE ? base.timeScale : base.localStack.timeScale;
  const { temporalPort, uiPort, dataDir } = base.localStack;

  if (!Runtime._instance) Runtime.install({ logger: new DefaultLogger('WARN') });
  let dbFilename: string | undefined;
  if (options.persistent) {
    mkdirSync(join(ROOT, dataDir), { recursive: true });
    dbFilename = join(ROOT, dataDir, 'temporal.db');
  }
  const server = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: join(ROOT, '.tools', 'venv', 'bin', 'temporal') },
      ip: '127.0.0.1',
      port: options.randomPorts ? undefined : temporalPort,
      ui: !options.randomPorts,
      uiPort: options.randomPorts ? undefined : uiPort,
      dbFilename,
      searchAttributes: PIPELINE_SEARCH_ATTRIBUTES,
    },
  }).catch((err: Error) => {
    throw new Error(`cannot start the Temporal dev server on 127.0.0.1:${temporalPort}: ${err.message}`);
  });
  const stops: (() => Promise<unknown>)[] = [() => server.teardown()];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch(() => undefined);
  };
  try {
    const uiUrl = options.randomPorts ? '' : `http://127.0.0.1:${uiPort}`;
    const bridgeConfig = loadConfig(env, { bridge: options.randomPorts ? { port: 0 } : {} });
    const bridge = await startBridge({
      client: server.client,
      config: bridgeConfig,
      log: (line) => log(`[bridge] ${line}`),
    });
    stops.push(() => bridge.close());
    const warehouse = await startWarehouse(options, base, log);
    if (warehouse) stops.push(() => warehouse.stop());
    const platformPort = options.randomPorts ? 0 : Number(new URL(base.platform.scheduleUrl).port);
    const platform = await startLocalPlatform({
      config: base,
      scenario: options.scenario,
      publishUrl: bridge.pushUrl,
      port: platformPort,
      log: (line) => log(`[platform] ${line}`),
      warehouse: warehouse?.sink,
    });
    stops.push(() => platform.close());
    const config = loadConfig(env, {
      timeScale,
      ...(warehouse ? { warehouse: warehouse.settings } : {}),
      temporal: { address: server.address, uiUrl: uiUrl || base.temporal.uiUrl },
      platform: {
        scheduleUrl: platform.url,
        analyticsUrl: `${platform.url}/phase3`,
        precomputeUrl: `${platform.url}/phase4`,
        coordinatorUrl: `${platform.url}/coordinator`,
        exportPushUrl: `${platform.url}/export/push`,
      },
    });
    const worker = await createPipelineWorker({
      config,
      connection: server.nativeConnection,
      deps: warehouse ? { bigQuery: warehouse.bq } : undefined,
    });
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
      prepareDate: async (gameDate) => {
        if (!warehouse) return;
        await seedDate(warehouse.bq, config, gameDate, gamesFor(gameDate, platform.scenario(), new Date()), {
          nbac_schedule: true,
        });
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * The warehouse of the local stack: the BigQuery emulator (pinned PyPI package), the datasets, tables and
 * view, the demo dates' schedule, and a sink through which the local platform writes its rows.
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
    const config = loadConfig(options.env ?? process.env, { warehouse: settings });
    const bq = createBigQueryClient(config.warehouse);
    const changes = await applyWarehouse(bq, config, { platformTables: true });
    log(`[warehouse] BigQuery emulator ${emulator.apiEndpoint}: ${changes.length} objects applied`);
    await seedDemoDates(bq, config);
    return { settings, bq, sink: bigQuerySink(bq, config), stop: () => emulator.stop() };
  } catch (err) {
    await emulator.stop();
    throw err;
  }
}
