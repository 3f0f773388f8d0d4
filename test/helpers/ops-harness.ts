/**
 * A worker with the scripted platform (fake-platform.ts) plus the real operations activities (self-heal, daily
 * summary, scheduled pipelines) on a test env. Its config has its own task queue and workflow ID prefix, and a day
 * clock equal to the server's clock (virtual = Temporal time), because self-heal reads "today" and its cooling
 * periods from the workflow's own clock: a test moves through a date's day with env.sleep.
 */
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createOperationsActivities, type PipelineActivities } from '../../activities';
import type { AlertChannel } from '../../activities/alerts/alerts';
import { loadConfig } from '../../config/load';
import type { GamedayConfig } from '../../config/schema';
import { GameDateKey } from '../../contracts/search-attributes';
import type { DayState } from '../../contracts/state';
import { pipelineStateQuery, type PipelineInput } from '../../contracts/workflow-api';
import { pipelineWorkflowId } from '../../domain/run-settings';
import { gameDatePipeline } from '../../workflows';
import { workflowBundle } from './day-harness';
import { fakePlatform, type FakePlatform } from './fake-platform';

export interface OpsWorkerOptions {
  /** Games per date (default 7 everywhere). */
  games?: (gameDate: string) => number;
  /** The scripted platform's phase-3 processors that never publish. */
  silentPhase3?: string[];
  /** Activity overrides (recorded like the others); `fake` is the scripted platform, for wrapping its calls. */
  overrides?: (fake: () => FakePlatform) => Partial<PipelineActivities>;
  /** Config values (deep-merged by loadConfig), e.g. self-heal remedies or schedules. */
  config?: Record<string, unknown>;
  /** Channels of the operations activities' notifications (the daily summary). */
  alertChannels?: AlertChannel[];
}

export interface OpsWorker {
  worker: Worker;
  fake: FakePlatform;
  config: GamedayConfig;
  /** A plain client: awaiting a result through it never skips time (env.sleep does). */
  client: Client;
  taskQueue: string;
  id: string;
  workflowId(gameDate: string): string;
  /** Starts a date's day as the schedules and the CLI do (its workflow ID, task queue and GameDate attribute). */
  startDate(input: PipelineInput): Promise<unknown>;
  state(gameDate: string): Promise<DayState>;
}

export async function opsWorker(env: TestWorkflowEnvironment, options: OpsWorkerOptions = {}): Promise<OpsWorker> {
  const id = randomUUID().slice(0, 8);
  const now = new Date(await env.currentTimeMs()).toISOString();
  const extra = options.config ?? {};
  const config = loadConfig(
    {},
    {
      ...extra,
      clock: { virtualAnchor: now, realAnchor: now },
      temporal: { ...(extra.temporal as object), taskQueue: `ops-${id}`, workflowIdPrefix: `t${id}-` },
    },
  );
  const ref: { fake?: FakePlatform } = {};
  const games = options.games;
  const fakeOverrides: Partial<PipelineActivities> = {
    ...(games
      ? {
          countScheduledGames: async (gameDate: string) => games(gameDate),
          countFinalGames: async (gameDate: string) => ({ total: games(gameDate), final: games(gameDate) }),
        }
      : {}),
    ...options.overrides?.(() => ref.fake as FakePlatform),
  };
  // The operations activities and the date workflows they start use a plain client (see OpsWorker.client).
  const client = new Client({ connection: env.connection, namespace: config.temporal.namespace });
  const fake = fakePlatform({ config, client, silentPhase3: options.silentPhase3, overrides: fakeOverrides });
  ref.fake = fake;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowBundle: await workflowBundle(),
    activities: {
      ...fake.activities,
      ...createOperationsActivities(config, { client, alertChannels: options.alertChannels ?? [] }),
    },
  });
  const workflowId = (gameDate: string) => pipelineWorkflowId(config.temporal.workflowIdPrefix, gameDate);
  return {
    worker,
    fake,
    config,
    client,
    taskQueue: config.temporal.taskQueue,
    id,
    workflowId,
    startDate: (input) =>
      client.workflow.start(gameDatePipeline, {
        taskQueue: config.temporal.taskQueue,
        workflowId: workflowId(input.gameDate),
        args: [input],
        typedSearchAttributes: [{ key: GameDateKey, value: input.gameDate }],
      }),
    state: (gameDate) => client.workflow.getHandle(workflowId(gameDate)).query(pipelineStateQuery),
  };
}
