/**
 * The `gameday` CLI as a child process against a dev server, and the workers it talks to: each with the scripted
 * platform (test/helpers/fake-platform.ts) and its own day clock, so a date is at a known time of its day (e.g.
 * D-1 17:50, its tomorrow cycle) when the test starts it. The CLI reads the same config from a GAMEDAY_CONFIG file.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { PipelineActivities } from '../../activities';
import { startOrAttach } from '../../clients/pipeline-client';
import { loadConfig } from '../../config/load';
import type { GamedayConfig } from '../../config/schema';
import type { DayState } from '../../contracts/state';
import { pipelineStateQuery, type PipelineInput } from '../../contracts/workflow-api';
import { dayTimeInstant } from '../../domain/day-times';
import { pipelineWorkflowId } from '../../domain/run-settings';
import { workflowBundle } from '../helpers/day-harness';
import { fakePlatform, type FakePlatform } from '../helpers/fake-platform';

export const ROOT = join(__dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'gameday.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  json: <T = Record<string, unknown>>() => T;
}

export function runCli(args: string[], env: Record<string, string | undefined>, timeoutMs = 90_000): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, env: { ...process.env, GAMEDAY_CONFIG: '', ...env }, timeout: timeoutMs },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({
          code,
          stdout,
          stderr,
          json: <T>() => {
            try {
              return JSON.parse(stdout) as T;
            } catch {
              throw new Error(`not JSON (exit ${code}):\n${stdout}\n${stderr}`);
            }
          },
        });
      },
    );
  });
}

export function runTool(path: string, args: string[], timeoutMs = 30_000): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(path, args, { timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr, json: <T>() => JSON.parse(stdout) as T });
    });
  });
}

export async function eventually<T>(
  probe: () => Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met in ${timeoutMs} ms; last value ${JSON.stringify(value)?.slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep merge of config overrides (arrays and values replace). */
export function mergeConfig(...parts: object[]): Record<string, unknown> {
  const merge = (a: unknown, b: unknown): unknown => {
    if (!isObject(a) || !isObject(b)) return b === undefined ? a : b;
    const out: Record<string, unknown> = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = merge(a[k], v);
    return out;
  };
  return parts.reduce<Record<string, unknown>>((acc, p) => merge(acc, p) as Record<string, unknown>, {});
}

export interface ClockWorkerOptions {
  /** Workflow ID prefix shared by every worker of a test file (the CLI finds dates by it). */
  prefix: string;
  /** Now is this time (`D-1 17:50`) of this date's day; it then runs 1/timeScale times faster than real time. */
  date: string;
  startsAt: string;
  timeScale: number;
  games?: (gameDate: string) => number;
  /** Per-date behaviour of the platform; `fake` is the scripted platform itself (for its base calls). */
  overrides?: (fake: () => FakePlatform) => Partial<PipelineActivities>;
  /** More config, for the worker and the CLI alike (e.g. platform URLs, lifecycle times). */
  config?: object;
}

export interface ClockWorker {
  config: GamedayConfig;
  fake: FakePlatform;
  taskQueue: string;
  /** The CLI's GAMEDAY_CONFIG: the same config, this server's address. */
  configFile: string;
  /** The config overrides, to write variants of the CLI's config. */
  overrides: Record<string, unknown>;
  worker: Worker;
  workflowId(gameDate: string): string;
  /** Starts (or attaches to) a date's day as the CLI and self-heal do. */
  start(input: PipelineInput): Promise<string>;
  state(gameDate: string, runId?: string): Promise<DayState>;
  stop(): Promise<void>;
}

/** Writes a CLI config file and returns its path. */
export function writeCliConfig(overrides: object): string {
  const file = join(mkdtempSync(join(tmpdir(), 'gameday-cli-')), 'config.json');
  writeFileSync(file, JSON.stringify(overrides, null, 2));
  return file;
}

export async function clockWorker(env: TestWorkflowEnvironment, options: ClockWorkerOptions): Promise<ClockWorker> {
  const taskQueue = `cli-${randomUUID().slice(0, 8)}`;
  const base = loadConfig({});
  const virtualAnchor = new Date(dayTimeInstant(options.date, options.startsAt, base.timeZone)).toISOString();
  const overrides = mergeConfig(options.config ?? {}, {
    timeScale: options.timeScale,
    clock: { virtualAnchor, realAnchor: new Date().toISOString() },
    temporal: { address: env.address, namespace: 'default', taskQueue, workflowIdPrefix: options.prefix },
  });
  const config = loadConfig({}, overrides);
  // The overrides reach the scripted platform they are part of through this reference.
  const ref: { fake?: FakePlatform } = {};
  const games = options.games;
  const fake = fakePlatform({
    config,
    client: env.client,
    overrides: {
      ...(games
        ? {
            countScheduledGames: async (gameDate: string) => games(gameDate),
            countFinalGames: async (gameDate: string) => ({ total: games(gameDate), final: games(gameDate) }),
          }
        : {}),
      ...options.overrides?.(() => ref.fake as FakePlatform),
    },
  });
  ref.fake = fake;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: fake.activities,
  });
  const running = worker.run();
  const workflowId = (gameDate: string) => pipelineWorkflowId(options.prefix, gameDate);
  return {
    config,
    fake,
    taskQueue,
    configFile: writeCliConfig(overrides),
    overrides,
    worker,
    workflowId,
    start: async (input) => {
      const { handle } = await startOrAttach(env.client, config, { startedBy: 'test', ...input });
      return handle.firstExecutionRunId;
    },
    state: (gameDate, runId) => env.client.workflow.getHandle(workflowId(gameDate), runId).query(pipelineStateQuery),
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
    },
  };
}
