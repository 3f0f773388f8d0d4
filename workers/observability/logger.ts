/**
 * JSON logs (pino) for the worker and the bridge, and the adapter that makes pino the Temporal Runtime logger: the
 * SDK's own lines, core's forwarded lines and every workflow / activity `log` call come out as one JSON line each,
 * with the game date, phase, workflow ID and run ID as fields.
 */
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { LogLevel, LogMetadata } from '@temporalio/common';
import type { GamedayConfig } from '../../config/schema';
import { LevelLogger } from './level-logger';

export type GamedayLogger = PinoLogger;

export function createLogger(
  config: GamedayConfig,
  component: string,
  destination: DestinationStream = pino.destination({ dest: 1, sync: true }),
): GamedayLogger {
  return pino(
    {
      level: config.logging.level,
      base: { component },
      messageKey: 'message',
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

const GAME_DATE = /\d{4}-\d{2}-\d{2}/;

/** The phase an activity type works for (its name says it); bookkeeping and reads have none. */
const PHASE_OF_ACTIVITY: [RegExp, string][] = [
  [/analytics/i, '3'],
  [/precompute/i, '4'],
  [/prediction/i, '5'],
  [/export/i, '6'],
  [/grading|finalgames/i, '5b'],
];

/** The fields every line carries, from what the SDK passes in meta (workflow and activity logs) and the caller's own. */
export function correlationFields(meta: LogMetadata = {}): Record<string, unknown> {
  const workflowId = typeof meta.workflowId === 'string' ? meta.workflowId : undefined;
  // core's own lines name the run `run_id`.
  const runId = meta.runId ?? meta.workflowRunId ?? meta.run_id;
  const activityType = typeof meta.activityType === 'string' ? meta.activityType : undefined;
  const gameDate = meta.gameDate ?? (workflowId ? GAME_DATE.exec(workflowId)?.[0] : undefined);
  const phase = meta.phase ?? (activityType ? PHASE_OF_ACTIVITY.find(([re]) => re.test(activityType))?.[1] : undefined);
  const fields: Record<string, unknown> = { ...meta };
  delete fields.workflowRunId;
  delete fields.run_id;
  if (workflowId !== undefined) fields.workflowId = workflowId;
  if (runId !== undefined) fields.runId = runId;
  if (gameDate !== undefined) fields.gameDate = gameDate;
  if (phase !== undefined) fields.phase = phase;
  return fields;
}

const PINO_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** The SDK's Logger interface on top of pino. */
export class TemporalPinoLogger extends LevelLogger {
  constructor(readonly pino: GamedayLogger) {
    super();
  }

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    this.pino[PINO_LEVEL[level]](correlationFields(meta), message);
  }
}
