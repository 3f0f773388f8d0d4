import { readFileSync } from 'node:fs';
import { DEFAULT_CONFIG } from './defaults';
import type { GamedayConfig } from './schema';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Environment variables that override one config value each; the value is parsed as the default's type. */
export const ENV_OVERRIDES: Record<string, string> = {
  GAMEDAY_TIME_SCALE: 'timeScale',
  TEMPORAL_ADDRESS: 'temporal.address',
  TEMPORAL_NAMESPACE: 'temporal.namespace',
  TEMPORAL_HTTP_ADDRESS: 'temporal.httpAddress',
  GAMEDAY_TASK_QUEUE: 'temporal.taskQueue',
  GAMEDAY_WORKFLOW_ID_PREFIX: 'temporal.workflowIdPrefix',
  GAMEDAY_UI_URL: 'temporal.uiUrl',
  GAMEDAY_SCHEDULE_URL: 'platform.scheduleUrl',
  GAMEDAY_ANALYTICS_URL: 'platform.analyticsUrl',
  GAMEDAY_PRECOMPUTE_URL: 'platform.precomputeUrl',
  GAMEDAY_COORDINATOR_URL: 'platform.coordinatorUrl',
  GAMEDAY_EXPORT_PUSH_URL: 'platform.exportPushUrl',
  GAMEDAY_GRADING_PUSH_URL: 'platform.gradingPushUrl',
  GAMEDAY_STEP_TIMEOUT_SECONDS: 'localStack.stepTimeoutSeconds',
  GAMEDAY_BRIDGE_HOST: 'bridge.host',
  GAMEDAY_BRIDGE_PORT: 'bridge.port',
  GAMEDAY_BRIDGE_AUTH: 'bridge.auth.mode',
  GAMEDAY_BRIDGE_AUDIENCE: 'bridge.auth.audience',
  GAMEDAY_BRIDGE_PUSH_SERVICE_ACCOUNT: 'bridge.auth.pushServiceAccount',
  GAMEDAY_LEGACY_MODE: 'legacy.mode',
  GAMEDAY_WORKER_HOST: 'worker.host',
  GAMEDAY_HEALTH_PORT: 'worker.healthPort',
  GAMEDAY_METRICS_PORT: 'worker.metricsPort',
  GAMEDAY_WORKFLOW_BUNDLE: 'worker.workflowBundle',
  GAMEDAY_SHUTDOWN_GRACE_SECONDS: 'worker.shutdownGraceSeconds',
  GAMEDAY_BUILD_ID: 'worker.buildId',
  GAMEDAY_DEPLOYMENT_NAME: 'worker.deploymentName',
  GAMEDAY_WORKER_VERSIONING: 'worker.useWorkerVersioning',
  GAMEDAY_VERSIONING_BEHAVIOR: 'worker.defaultVersioningBehavior',
  GAMEDAY_LOG_LEVEL: 'logging.level',
  GAMEDAY_ALERT_EMAIL_TO: 'alerts.emailTo',
  GAMEDAY_ALERT_EMAIL_FROM: 'alerts.emailFrom',
  GAMEDAY_ALERT_LEDGER: 'alerts.ledgerPath',
  GAMEDAY_ALERT_LEDGER_STORE: 'alerts.ledgerStore',
};

const BOOLEANS = new Map([
  ['true', true],
  ['false', false],
  ['1', true],
  ['0', false],
]);

/**
 * Remembers configs the schema accepted (as JSON text), so a process that starts again with the same config skips
 * loading zod and validating (60 ms of a CLI command). The schema has no transforms: what it accepts it returns as
 * it is. Only the CLI bundle keeps one (cli/config-memo.ts), stamped with the bundle it belongs to.
 */
export interface ValidationMemo {
  accepted(text: string): boolean;
  remember(text: string): void;
}

/** The schema, built on first use: zod takes tens of milliseconds to load. */
function loadSchema(): typeof import('./schema').configSchema {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('./schema') as typeof import('./schema')).configSchema;
}

/**
 * The config: defaults, then the JSON file named by GAMEDAY_CONFIG (a partial object, deep-merged),
 * then single-value environment overrides. Throws ConfigError naming each bad value.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: object = {},
  memo?: ValidationMemo,
): GamedayConfig {
  let merged: unknown = structuredClone(DEFAULT_CONFIG);
  if (env.GAMEDAY_CONFIG) {
    let fileValue: unknown;
    try {
      fileValue = JSON.parse(readFileSync(env.GAMEDAY_CONFIG, 'utf8'));
    } catch (err) {
      throw new ConfigError(`cannot read config file GAMEDAY_CONFIG=${env.GAMEDAY_CONFIG}: ${(err as Error).message}`);
    }
    merged = deepMerge(merged, fileValue);
  }
  merged = deepMerge(merged, overrides);
  for (const [variable, path] of Object.entries(ENV_OVERRIDES)) {
    const text = env[variable];
    if (text === undefined || text === '') continue;
    const current = getPath(merged, path);
    const value = typeof current === 'number' ? Number(text) : typeof current === 'boolean' ? BOOLEANS.get(text) : text;
    if (typeof current === 'number' && !Number.isFinite(value)) {
      throw new ConfigError(`${variable}=${JSON.stringify(text)} is not a number (sets ${path})`);
    }
    if (typeof current === 'boolean' && value === undefined) {
      throw new ConfigError(`${variable}=${JSON.stringify(text)} is not true, false, 1 or 0 (sets ${path})`);
    }
    setPath(merged, path, value);
  }
  return validateConfig(merged, memo);
}

export function validateConfig(candidate: unknown, memo?: ValidationMemo): GamedayConfig {
  const text = memo ? JSON.stringify(candidate) : '';
  if (memo?.accepted(text)) return candidate as GamedayConfig;
  const result = loadSchema().safeParse(candidate);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const path = issue.path.join('.');
      const value = issue.path.length ? getPath(candidate, issue.path.map(String).join('.')) : undefined;
      const shown = value === undefined || typeof value === 'object' ? '' : ` (got ${JSON.stringify(value)})`;
      return `  ${path || '(root)'}: ${issue.message}${shown}`;
    });
    throw new ConfigError(`invalid Gameday config:\n${lines.join('\n')}`);
  }
  memo?.remember(text);
  return result.data;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepMerge(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch === undefined ? base : patch;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) out[key] = deepMerge(base[key], value);
  return out;
}

function getPath(root: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (node, key) => (isPlainObject(node) || Array.isArray(node) ? (node as Record<string, unknown>)[key] : undefined),
      root,
    );
}

function setPath(root: unknown, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop() as string;
  const parent = keys.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], root);
  (parent as Record<string, unknown>)[last] = value;
}
