/**
 * The Temporal Runtime of a worker process, installed once before its first connection: pino as the logger (core's
 * own lines forwarded to it), the watcher of failing workflow tasks, and, with `worker.metricsPort`, the SDK's
 * Prometheus endpoint, which also serves every metric of the Runtime's meter (Gameday's own included).
 */
import { Runtime } from '@temporalio/worker';
import type { DestinationStream } from 'pino';
import { GAMEDAY_METRICS } from '../../contracts/metrics';
import type { GamedayConfig } from '../../config/schema';
import { createLogger, TemporalPinoLogger, type GamedayLogger } from './logger';
import { WorkflowTaskFailureWatcher } from './workflow-task-failures';

export interface WorkerRuntime {
  runtime: Runtime;
  logger: GamedayLogger;
  workflowTaskFailures: WorkflowTaskFailureWatcher;
  /** `http://host:port/metrics`, when the metrics port is on. */
  metricsUrl?: string;
}

const LEVEL = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' } as const;

export function installWorkerRuntime(
  config: GamedayConfig,
  options: { destination?: DestinationStream } = {},
): WorkerRuntime {
  const logger = createLogger(config, 'worker', options.destination);
  const workflowTaskFailures = new WorkflowTaskFailureWatcher(new TemporalPinoLogger(logger), () =>
    Runtime.instance().metricMeter.createCounter(
      GAMEDAY_METRICS.workflowTaskFailures,
      undefined,
      'workflow tasks failed by the worker (nondeterminism after a deploy, a workflow bug)',
    ),
  );
  const { host, metricsPort } = config.worker;
  const bindAddress = metricsPort > 0 ? `${host}:${metricsPort}` : undefined;
  const runtime = Runtime.install({
    logger: workflowTaskFailures,
    telemetryOptions: {
      // core's WARN lines (the "Failing workflow task" one among them) go through the logger, as JSON.
      logging: { filter: { core: minLevel(LEVEL[config.logging.level], 'WARN'), other: 'ERROR' }, forward: {} },
      ...(bindAddress
        ? { metrics: { prometheus: { bindAddress, countersTotalSuffix: true, useSecondsForDurations: true } } }
        : {}),
    },
  });
  return {
    runtime,
    logger,
    workflowTaskFailures,
    metricsUrl: bindAddress ? `http://${hostForUrl(host)}:${metricsPort}/metrics` : undefined,
  };
}

const ORDER = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
type Level = (typeof ORDER)[number];

/** The more verbose of the two: the watcher needs core's WARN lines even when the log level is ERROR. */
function minLevel(a: Level, b: Level): Level {
  return ORDER.indexOf(a) < ORDER.indexOf(b) ? a : b;
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
