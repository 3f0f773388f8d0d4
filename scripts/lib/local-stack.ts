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

const ROOT = resolve(__dirname, '..', '..');

export interface LocalStack {
  config: GamedayConfig;
  client: Client;
  platform: LocalPlatform;
  bridge: BridgeServer;
  worker: Worker;
  uiUrl: string;
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
    const platformPort = options.randomPorts ? 0 : Number(new URL(base.platform.scheduleUrl).port);
    const platform = await startLocalPlatform({
      config: base,
      scenario: options.scenario,
      publishUrl: bridge.pushUrl,
      port: platformPort,
      log: (line) => log(`[platform] ${line}`),
    });
    stops.push(() => platform.close());
    const config = loadConfig(env, {
      timeScale,
      temporal: { address: server.address, uiUrl: uiUrl || base.temporal.uiUrl },
      platform: {
        scheduleUrl: platform.url,
        analyticsUrl: `${platform.url}/phase3`,
        precomputeUrl: `${platform.url}/phase4`,
        coordinatorUrl: `${platform.url}/coordinator`,
        exportPushUrl: `${platform.url}/export/push`,
      },
    });
    const worker = await createPipelineWorker({ config, connection: server.nativeConnection });
    const running = worker.run();
    stops.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });
    return { config, client: server.client, platform, bridge, worker, uiUrl, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
