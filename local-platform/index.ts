import type { AddressInfo } from 'node:net';
import type { GamedayConfig } from '../config/schema';
import { Batches } from './batches';
import type { PlatformContext } from './context';
import { EventLog, type PlatformEvent, type ScenarioEvent } from './events';
import { FaultCounters } from './faults';
import { pathPrefix } from './http';
import { IdempotencyStore } from './idempotency';
import { Publisher, type PublishRetry } from './publisher';
import { coordinatorRoutes } from './routes/coordinator';
import { exportRoutes } from './routes/export';
import { localRoutes } from './routes/local';
import { phase3Routes } from './routes/phase3';
import { phase4Routes } from './routes/phase4';
import { scheduleRoutes } from './routes/schedule';
import { gradingRoutes } from './routes/grading';
import { validateScenario, type Scenario } from './scenario';
import { createPlatformServer } from './server';
import { Timers } from './timers';
import { DaySimulator } from './day-simulator';
import { clockFrom, virtualNow } from '../domain/clock';
import type { WarehouseSink } from './warehouse-sink';

export { SCENARIOS } from './scenarios';
export { validateScenario, ScenarioError, PROCESSOR_BEHAVIOURS } from './scenario';
export type { Scenario, ProcessorScenario, CoordinatorScenario, ProcessorBehaviour } from './scenario';
export type {
  PlatformEvent,
  RequestEvent,
  RunEvent,
  PublishEvent,
  ExportEvent,
  GradingEvent,
  ScenarioEvent,
  ExportTrigger,
} from './events';
export type { PushEnvelope, PublishRetry } from './publisher';
export type { WarehouseSink, SinkRun } from './warehouse-sink';

export interface LocalPlatform {
  /** Base URL, e.g. http://127.0.0.1:8090; services live under the config URLs' paths. */
  url: string;
  /** Stops the server, cancels pending runs and deliveries. */
  close(): Promise<void>;
  /** Every call received and every message published, in order (a copy). */
  events(): PlatformEvent[];
  /** Validates and switches the scenario; "first N calls" counters start again. */
  setScenario(s: Scenario): void;
  /** The current scenario. */
  scenario(): Scenario;
  /** Resolves once no published message is waiting for delivery. */
  deliveriesSettled(): Promise<void>;
}

export interface StartLocalPlatformOptions {
  config: GamedayConfig;
  scenario: Scenario;
  /** Where completion messages are pushed (the bridge's Pub/Sub push endpoint). */
  publishUrl: string;
  /** Default: the host of config.platform.scheduleUrl. */
  host?: string;
  /** Default: the port of config.platform.scheduleUrl; 0 picks a free port. */
  port?: number;
  log?: (line: string) => void;
  /** The day's clock (default: config.clock with config.timeScale, the wall clock without an anchor). */
  now?: () => Date;
  /** Do not simulate the platform's own day of each date it hears of (tests of single routes). */
  noDaySimulation?: boolean;
  /** Push retry tuning (tests). */
  publishRetry?: Partial<PublishRetry>;
  /** Optional: processor runs write realistic rows here before publishing their completion. */
  warehouse?: WarehouseSink;
}

export async function startLocalPlatform(opts: StartLocalPlatformOptions): Promise<LocalPlatform> {
  const { config } = opts;
  const log = opts.log ?? (() => {});
  const clock = clockFrom({ scale: config.timeScale, ...config.clock }, Date.now());
  const now = opts.now ?? (() => new Date(virtualNow(clock, Date.now())));
  let current = validateScenario(opts.scenario, config);

  const timers = new Timers(config.timeScale);
  const events = new EventLog(now);
  const faults = new FaultCounters();
  const ctx: PlatformContext = {
    config,
    scenario: () => current,
    now,
    events,
    timers,
    faults,
    idempotency: new IdempotencyStore(),
    batches: new Batches(() => ctx),
    completedRuns: new Set(),
    simulateDay: (gameDate) => {
      if (!opts.noDaySimulation) days.simulate(gameDate);
    },
    log,
    warehouse: opts.warehouse,
    publisher: new Publisher({
      url: opts.publishUrl,
      projectId: config.platform.projectId,
      events,
      timers,
      now,
      log,
      delivery: () => current.publish ?? {},
      retry: opts.publishRetry,
    }),
  };

  const days = new DaySimulator(ctx);

  const setScenario = (next: Scenario): void => {
    current = validateScenario(next, config);
    faults.reset();
    ctx.batches.resetFaults();
    events.add<ScenarioEvent>({ type: 'scenario', name: current.name });
    log(`scenario: ${current.name}${current.description ? ` (${current.description})` : ''}`);
  };

  const schedule = new URL(config.platform.scheduleUrl);
  const prefix = (url: string): string => pathPrefix(url);
  const server = createPlatformServer({
    events,
    log,
    routes: [
      ...scheduleRoutes(ctx, prefix(config.platform.scheduleUrl)),

      ...phase3Routes(ctx, prefix(config.platform.analyticsUrl)),
      ...phase4Routes(ctx, prefix(config.platform.precomputeUrl)),
      ...coordinatorRoutes(ctx, prefix(config.platform.coordinatorUrl)),
      ...exportRoutes(ctx, prefix(config.platform.exportPushUrl) || '/'),
      ...gradingRoutes(ctx, prefix(config.platform.gradingPushUrl) || '/'),
      ...localRoutes(ctx, setScenario),
    ],
  });

  const host = opts.host ?? schedule.hostname;
  const port = opts.port ?? Number(schedule.port || (schedule.protocol === 'https:' ? 443 : 80));
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void =>
      reject(new Error(`local platform cannot listen on ${host}:${port}: ${err.code ?? err.message}`));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  log(`local platform on ${url}, scenario ${current.name}, publishing to ${opts.publishUrl}`);

  let closing: Promise<void> | undefined;
  return {
    url,
    events: () => events.list(),
    setScenario,
    scenario: () => current,
    deliveriesSettled: () => ctx.publisher.idle(),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        timers.close();
        ctx.publisher.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
