/**
 * `npm run record-histories`: records the event histories of representative days on the time-skipping server and
 * writes them to test/fixtures/histories/, where `npm test` replays them against the current workflow code
 * (test/replay/replay.test.ts). Re-record only when a change is meant to be incompatible, and then only behind
 * `patched()` or a new build ID (CONTRIBUTING.md): a fixture that stops replaying is a deploy that would break
 * the days in flight.
 *
 *   npm run record-histories -- [--only full-day,cancelled]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { ApplicationFailure } from '@temporalio/common';
import type { DataGateRequest, DataGateResult } from '../activities';
import { settingsActivities } from '../activities/settings';
import type { RunSettings } from '../domain/run-settings';
import { randomUUID } from 'node:crypto';
import { fetchEvents, resetPoint } from '../cli/commands/reset';
import { forcePhaseUpdate, recordActionUpdate } from '../contracts/workflow-api';
import type { PipelineInput } from '../contracts/workflow-api';
import { dayTimeInstant } from '../domain/day-times';
import type { GamedayConfig } from '../config/schema';
import {
  dayConfig,
  dayResult,
  dayState,
  dayWorker,
  deliver,
  settle,
  skipTo,
  startDay,
  type DayHandle,
} from '../test/helpers/day-harness';
import { fakePlatform, type FakePlatformOptions } from '../test/helpers/fake-platform';
import { completion } from '../test/helpers/messages';
import { createDevServerEnv, createTimeSkippingEnv } from '../test/helpers/tools';

/** One run of a recorded day: its history as base64 of the binary protobuf `temporal.api.history.v1.History`. */
export interface HistoryRun {
  workflowId: string;
  runId: string;
  events: number;
  history: string;
}

export const HISTORIES_DIR = join(__dirname, '..', 'test', 'fixtures', 'histories');

interface Scenario {
  description: string;
  gameDate: string;
  startsAt: string;
  input: Omit<PipelineInput, 'gameDate'>;
  /** The time-skipping server by default; the dev server (real time, the day 600 times faster) where it lacks an API. */
  server?: 'dev';
  /** Config overrides for this day (e.g. a low history ceiling). */
  config?: object;
  platform?: Omit<FakePlatformOptions, 'config' | 'client'>;
  drive(day: RecordedDay): Promise<void | string[]>;
}

interface RecordedDay {
  env: TestWorkflowEnvironment;
  handle: DayHandle;
  config: GamedayConfig;
  gameDate: string;
}

const at = (config: GamedayConfig, gameDate: string, time: string) => dayTimeInstant(gameDate, time, config.timeZone);

async function untilClosed(env: TestWorkflowEnvironment, handle: DayHandle): Promise<void> {
  await dayResult(env, handle).catch(() => undefined);
}

/** Phase 3's morning completion: the upcoming player context, stamped `time`. `idPrefix` names its message ID. */
function deliverPlayerContext(
  { env, handle, config, gameDate }: RecordedDay,
  idPrefix: string,
  time = 'D 05:30',
): Promise<void> {
  const message = completion(config, 3, 'upcoming_player_game_context', gameDate, at(config, gameDate, time));
  return deliver(env, handle, [message], idPrefix);
}

/** The night's three box-score completions of phase 3 at 23:40, then the day to its end. */
async function boxScoresThenTheNight({ env, handle, config, gameDate }: RecordedDay): Promise<void> {
  await skipTo(env, handle, config, gameDate, 'D 23:40');
  const summaries = ['player_game_summary', 'team_defense_game_summary', 'team_offense_game_summary'];
  const stamp = at(config, gameDate, 'D 23:40');
  await deliver(
    env,
    handle,
    summaries.map((n) => completion(config, 3, n, gameDate, stamp)),
    'box',
  );
  await untilClosed(env, handle);
}

const SCENARIOS: Record<string, Scenario> = {
  'full-day': {
    description: 'a whole day, D-1 16:55 to D+1: three cycles as three runs, every step on its timer',
    gameDate: '2026-01-15',
    startsAt: 'D-1 16:55',
    input: {},
    platform: { games: 9 },
    async drive(day) {
      await skipTo(day.env, day.handle, day.config, day.gameDate, 'D 05:30');
      await deliverPlayerContext(day, 'props');
      await boxScoresThenTheNight(day);
    },
  },
  'partial-trigger': {
    description:
      'the 2025-12-29 incident: one of five phase-3 processors never completes; phase 4 on the 30-minute rule',
    gameDate: '2025-12-29',
    startsAt: 'D 16:30',
    input: { cycle: 'overnight' },
    platform: { games: 11, silentPhase3: ['upcoming_team_game_context'] },
    async drive(day) {
      await deliverPlayerContext(day, 'upgc');
      await boxScoresThenTheNight(day);
    },
  },
  'stuck-then-forced': {
    description: 'phase 3 never arrives in the same_day cycle; an operator forces phase 4 at 05:00',
    gameDate: '2026-01-22',
    startsAt: 'D 04:30',
    input: { cycle: 'same_day' },
    platform: { silentPhase3: ['upcoming_player_game_context', 'upcoming_team_game_context'] },
    async drive({ env, handle, config, gameDate }) {
      await skipTo(env, handle, config, gameDate, 'D 05:00');
      await handle.executeUpdate(forcePhaseUpdate, {
        args: [{ phase: 4, reason: 'phase 3 will be late today', user: 'oncall' }],
      });
      await skipTo(env, handle, config, gameDate, 'D 09:00');
      await settle(env, handle);
      await handle.terminate('recorded');
    },
  },
  'gate-blocked-then-passed': {
    description: "the tomorrow cycle's phase-4 gate fails for an hour (re-checks on a timer, one alert), then passes",
    gameDate: '2026-01-16',
    startsAt: 'D-1 16:55',
    input: {},
    async drive({ env, handle, config, gameDate }) {
      await skipTo(env, handle, config, gameDate, 'D-1 18:31');
      gateData.arrived = true;
      await skipTo(env, handle, config, gameDate, 'D-1 19:00');
      await settle(env, handle);
      await handle.terminate('recorded');
    },
  },
  cancelled: {
    description: 'a day cancelled at 05:00 of its same_day cycle: cleanup in a non-cancellable scope',
    gameDate: '2026-01-26',
    startsAt: 'D 04:30',
    input: { cycle: 'same_day' },
    async drive({ env, handle, config, gameDate }) {
      await skipTo(env, handle, config, gameDate, 'D 05:00');
      await env.client.workflow.getHandle(handle.workflowId).cancel();
      await untilClosed(env, handle);
    },
  },
  reset: {
    description: 'the tomorrow cycle reset to before phase 4 (as `gameday reset --to 4` does): phase 4 runs again',
    gameDate: '2026-01-27',
    startsAt: 'D-1 17:20',
    server: 'dev',
    input: {},
    async drive({ env, handle, config, gameDate }) {
      await skipTo(env, handle, config, gameDate, 'D-1 18:00');
      await settle(env, handle);
      const { runId } = await handle.describe();
      const events = await fetchEvents(env.client, handle.workflowId, runId);
      const point = resetPoint(events, 4);
      if (!point?.eventId) throw new Error('phase 4 has not started: nothing to reset to');
      const { runId: newRunId } = await env.client.workflowService.resetWorkflowExecution({
        namespace: env.namespace ?? 'default',
        workflowExecution: { workflowId: handle.workflowId, runId },
        reason: 'recorded: re-run precompute',
        workflowTaskFinishEventId: point.eventId,
        requestId: randomUUID(),
        resetReapplyType: temporal.api.enums.v1.ResetReapplyType.RESET_REAPPLY_TYPE_SIGNAL,
      });
      const reset = env.client.workflow.getHandle(handle.workflowId, newRunId);
      await reset.executeUpdate(recordActionUpdate, {
        args: [
          { action: 'reset', reason: 'reset to before phase 4: re-run precompute', user: 'oncall', discarded: [] },
        ],
      });
      await skipTo(env, handle, config, gameDate, 'D-1 19:00');
      await settle(env, handle);
      await reset.terminate('recorded');
      return [newRunId];
    },
  },
  'start-failed': {
    description: 'the run settings fail to load: four attempts, START_FAILED, a 15-minute retry, then the day starts',
    gameDate: '2026-01-28',
    startsAt: 'D 04:30',
    input: { cycle: 'same_day' },
    platform: {
      overrides: {
        loadRunSettings: async () => {
          if (settingsBroken.now) throw ApplicationFailure.create({ message: 'settings store unreachable' });
          return settingsBroken.real();
        },
      },
    },
    async drive({ env, handle, config, gameDate }) {
      // The four local attempts run in the worker's real time, then the workflow sleeps 15 minutes.
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      settingsBroken.now = false;
      await env.sleep(15 * 60_000 + 1000);
      await skipTo(env, handle, config, gameDate, 'D 05:30');
      await settle(env, handle);
      await handle.terminate('recorded');
    },
  },
  'precompute-retried': {
    description:
      'the feature store fails permanently in the same_day cycle; predictions start on the tier timer anyway',
    gameDate: '2026-01-21',
    startsAt: 'D 04:30',
    input: { cycle: 'same_day' },
    platform: {
      overrides: {
        runPrecomputeProcessor: async (request) => {
          if (request.className === 'MLFeatureStoreProcessor')
            throw ApplicationFailure.nonRetryable('feature store down', 'PlatformRejected');
          return { processor: request.className, status: 'success', recordCount: 300 };
        },
      },
    },
    async drive({ env, handle, config, gameDate }) {
      await skipTo(env, handle, config, gameDate, 'D 08:40');
      await settle(env, handle);
      await handle.terminate('recorded');
    },
  },
  'permission-denied': {
    description:
      'phase 4 answers 403 three times (invoker rights stripped, then restored): alerted once, tried every 10 min',
    gameDate: '2026-01-27',
    startsAt: 'D 04:30',
    input: { cycle: 'same_day' },
    platform: {
      overrides: {
        runPrecomputeProcessor: async (request) => {
          if (request.className === 'TeamDefenseZoneAnalysisProcessor' && refusals.left-- > 0)
            throw ApplicationFailure.nonRetryable('answered 403: no permission', 'PlatformRejected', { status: 403 });
          return { processor: request.className, status: 'success', recordCount: 300 };
        },
      },
    },
    async drive({ env, handle, config, gameDate }) {
      refusals.left = 3;
      await skipTo(env, handle, config, gameDate, 'D 08:40');
      await settle(env, handle);
      await handle.terminate('recorded');
    },
  },
  'history-ceiling': {
    description:
      'a gate blocked from 17:30 to 21:30 under a low history ceiling: the tomorrow cycle continues as new within itself',
    gameDate: '2026-01-30',
    startsAt: 'D-1 16:55',
    input: {},
    config: { limits: { historyEvents: 120, messageIds: 50 } },
    async drive({ env, handle, config, gameDate }) {
      await skipTo(env, handle, config, gameDate, 'D-1 21:30');
      await settle(env, handle);
      await env.client.workflow.getHandle(handle.workflowId).terminate('recorded');
    },
  },
  'grading-regraded': {
    description: 'the first grading run publishes no completion: stuck, triggered once more, graded',
    gameDate: '2026-01-29',
    startsAt: 'D 16:30',
    input: { cycle: 'overnight' },
    platform: { lostGradingTriggers: 1 },
    async drive({ env, handle, config, gameDate }) {
      await deliver(
        env,
        handle,
        config.lifecycle.overnight.phase3.expected.map((n) =>
          completion(config, 3, n, gameDate, at(config, gameDate, 'D 23:00')),
        ),
        'all',
      );
      await skipTo(env, handle, config, gameDate, 'D+1 08:00');
      await untilClosed(env, handle);
    },
  },
  'phase4-watch-fired': {
    description:
      'a phase-4 processor answers "failed" for 20 minutes: the call stays awaited, the step STUCK with one alert, then DONE',
    gameDate: '2026-01-30',
    startsAt: 'D 04:30',
    input: { cycle: 'same_day' },
    platform: {
      overrides: {
        runPrecomputeProcessor: async (request) => {
          if (request.className === 'MLFeatureStoreProcessor' && featureStore.failures-- > 0)
            throw ApplicationFailure.retryable(
              'MLFeatureStoreProcessor finished with status failed',
              'PrecomputeProcessorFailed',
            );
          return { processor: request.className, status: 'success', recordCount: 300 };
        },
      },
    },
    async drive(day) {
      featureStore.failures = 8;
      await deliverPlayerContext(day, 'upgc', 'D 05:10');
      await skipTo(day.env, day.handle, day.config, day.gameDate, 'D 06:40');
      await settle(day.env, day.handle);
      await day.handle.terminate('recorded');
    },
  },
  'parked-across-runs': {
    description:
      'phase 4 fails for good, the run continues as new: the step stays parked for an operator, whose force reruns it',
    gameDate: '2026-01-29',
    startsAt: 'D 04:30',
    input: { cycle: 'same_day' },
    config: { limits: { historyEvents: 200, messageIds: 50 } },
    platform: {
      overrides: {
        runPrecomputeProcessor: async (request) => {
          if (request.className === 'MLFeatureStoreProcessor' && featureStore.failures > 0)
            throw ApplicationFailure.nonRetryable('feature store rejected', 'PlatformRejected');
          return { processor: request.className, status: 'success', recordCount: 300 };
        },
      },
    },
    async drive(day) {
      const { env, handle, config, gameDate } = day;
      featureStore.failures = 1;
      await deliverPlayerContext(day, 'upgc', 'D 05:10');
      await skipTo(env, handle, config, gameDate, 'D 06:20');
      const late = completion(config, 2, 'nbac_gamebook_player_stats', gameDate, at(config, gameDate, 'D 02:00'));
      for (let i = 0; i < 150; i++) await deliver(env, handle, [{ ...late, execution_id: `late-${i}` }], `late-${i}`);
      await skipTo(env, handle, config, gameDate, 'D 06:40');
      featureStore.failures = 0;
      await env.client.workflow.getHandle(handle.workflowId).executeUpdate(forcePhaseUpdate, {
        args: [{ phase: 4, reason: 'feature store fixed', user: 'oncall' }],
      });
      await skipTo(env, handle, config, gameDate, 'D 06:50');
      await settle(env, handle);
      await env.client.workflow.getHandle(handle.workflowId).terminate('recorded');
    },
  },
  'export-forced-early': {
    description: 'phase 6 forced at 23:00 while phase 3 still waits: the export runs, phase 4 is not released',
    gameDate: '2026-01-27',
    startsAt: 'D 17:30',
    input: { cycle: 'overnight' },
    async drive({ env, handle, config, gameDate }) {
      await skipTo(env, handle, config, gameDate, 'D 23:00');
      await handle.executeUpdate(forcePhaseUpdate, {
        args: [{ phase: 6, reason: 'publish results early for a partner', user: 'oncall' }],
      });
      await skipTo(env, handle, config, gameDate, 'D 23:10');
      await settle(env, handle);
      await handle.terminate('recorded');
    },
  },
  'phase4-waits-for-remedy': {
    description: "same_day phase 3 never arrives: phase 4 waits through phase 3's 07:00 remedy, STUCK an SLA after it",
    gameDate: '2026-02-17',
    startsAt: 'D 04:30',
    input: { cycle: 'same_day' },
    platform: { silentPhase3: ['upcoming_player_game_context', 'upcoming_team_game_context'] },
    async drive({ env, handle, config, gameDate }) {
      await skipTo(env, handle, config, gameDate, 'D 07:20');
      await settle(env, handle);
      await handle.terminate('recorded');
    },
  },
  'legacy-triggered-first': {
    description:
      'coexist: the legacy triggered phase 4 at 17:20; a completion from before that does not count, one after it does',
    gameDate: '2026-01-24',
    startsAt: 'D-1 16:55',
    input: {},
    config: { legacy: { mode: 'coexist', firestore: { projectId: 'gameday-record' } } },
    platform: {
      overrides: {
        claimLegacyTrigger: async () => ({
          outcome: 'legacy',
          reason: 'triggered by the legacy orchestrator at 17:20 (all_complete)',
          legacy: { triggered: true, triggeredAt: legacyTrigger.at, triggerPending: false },
        }),
      },
    },
    async drive({ env, handle, config, gameDate }) {
      const { clock } = await dayState(env, handle);
      legacyTrigger.at = new Date(
        clock.realAnchorMs + (at(config, gameDate, 'D-1 17:20') - clock.virtualAnchorMs) * clock.scale,
      ).toISOString();
      await skipTo(env, handle, config, gameDate, 'D-1 17:05');
      const stamp = (time: string) => at(config, gameDate, time);
      const context = completion(config, 3, 'upcoming_player_game_context', gameDate, stamp('D-1 17:05'));
      const early = completion(config, 4, 'player_daily_cache', gameDate, stamp('D-1 17:10'));
      await deliver(env, handle, [context, early], 'early');
      await skipTo(env, handle, config, gameDate, 'D-1 17:40');
      const late = completion(config, 4, 'player_daily_cache', gameDate, stamp('D-1 17:45'));
      await deliver(env, handle, [{ ...late, execution_id: 'after0001' }], 'late');
      await skipTo(env, handle, config, gameDate, 'D-1 17:50');
      await settle(env, handle);
      await handle.terminate('recorded');
    },
  },
  'forced-export-failed': {
    description:
      'a forced results export fails for good: its step waits for an operator, whose next force publishes it',
    gameDate: '2026-01-28',
    startsAt: 'D 17:30',
    input: { cycle: 'overnight' },
    platform: {
      overrides: {
        publishExportTrigger: async () => {
          if (exportTopic.down) throw ApplicationFailure.nonRetryable('topic not found', 'PlatformRejected');
          return { messageId: 'export-ok', exportTypes: ['results'] };
        },
      },
    },
    async drive({ env, handle, config, gameDate }) {
      exportTopic.down = true;
      await skipTo(env, handle, config, gameDate, 'D 23:00');
      const force = (reason: string) =>
        handle.executeUpdate(forcePhaseUpdate, { args: [{ phase: 6, reason, user: 'oncall' }] });
      await force('publish results early');
      await skipTo(env, handle, config, gameDate, 'D 23:10');
      exportTopic.down = false;
      await force('topic restored');
      await skipTo(env, handle, config, gameDate, 'D 23:20');
      await settle(env, handle);
      await handle.terminate('recorded');
    },
  },
  'predictions-rows-late': {
    description:
      "the FIRST wave's batch completes at 100% before its rows land: the deadline waits on the phase-6 gate, then is met",
    gameDate: '2026-02-11',
    startsAt: 'D 04:30',
    input: { cycle: 'same_day' },
    async drive(day) {
      await deliverPlayerContext(day, 'upgc', 'D 05:10');
      await skipTo(day.env, day.handle, day.config, day.gameDate, 'D 08:07');
      predictionRows.active = 120;
      await skipTo(day.env, day.handle, day.config, day.gameDate, 'D 08:40');
      await settle(day.env, day.handle);
      await day.handle.terminate('recorded');
    },
  },
  'grading-auto-heal': {
    description:
      'grading finds no actual results (auto_heal_pending); player_game_summary completes again; graded on the re-trigger',
    gameDate: '2026-02-03',
    startsAt: 'D 22:30',
    input: { cycle: 'overnight' },
    platform: { gradingStatuses: ['auto_heal_pending'] },
    async drive({ env, handle, config, gameDate }) {
      await skipTo(env, handle, config, gameDate, 'D 23:00');
      const phase3 = config.lifecycle.overnight.phase3.expected;
      const stamp = at(config, gameDate, 'D 23:00');
      await deliver(
        env,
        handle,
        phase3.map((n) => completion(config, 3, n, gameDate, stamp)),
        'all',
      );
      await skipTo(env, handle, config, gameDate, 'D+1 01:00');
      const healed = completion(config, 3, 'player_game_summary', gameDate, at(config, gameDate, 'D+1 01:00'));
      await deliver(env, handle, [healed], 'healed');
      await skipTo(env, handle, config, gameDate, 'D+1 01:30');
      await settle(env, handle);
      await handle.terminate('recorded');
    },
  },
};

const featureStore = { failures: 0 };
const exportTopic = { down: false };
const legacyTrigger = { at: '' };

const refusals = { left: 0 };

const settingsBroken: { now: boolean; real: () => Promise<RunSettings> } = {
  now: false,
  real: () => Promise.reject(new Error('settings not wired')),
};
const gateData = { arrived: false };
/** The history-ceiling day's gate: never enough rows. */
async function blockedGate(request: DataGateRequest): Promise<DataGateResult> {
  const check = {
    check: 'min_rows:upcoming_player_game_context',
    passed: false,
    observed: 0,
    required: 50,
    reason: 'no rows',
  };
  return { ...request, enabled: true, passed: false, checks: [check], recheckAfterMs: 5 * 60_000 };
}

const predictionRows = { active: 0 };
/** The predictions-rows-late day's warehouse: the predictions table has `predictionRows.active` rows; the rest pass. */
async function predictionsTable(request: DataGateRequest): Promise<DataGateResult> {
  const passed = request.phase !== 6 || predictionRows.active >= 10;
  const check = {
    check: 'predictions',
    passed,
    observed: predictionRows.active,
    required: 10,
    reason: `${predictionRows.active} active predictions for ${request.gameDate} (need >= 10)`,
  };
  return { ...request, enabled: true, passed, checks: [check], recheckAfterMs: 5 * 60_000 };
}

function gateOverride(scenario: string) {
  if (scenario === 'history-ceiling') return { checkDataGate: blockedGate };
  if (scenario === 'predictions-rows-late') {
    predictionRows.active = 0;
    return { checkDataGate: predictionsTable };
  }
  if (scenario !== 'gate-blocked-then-passed') return {};
  gateData.arrived = false;
  return {
    checkDataGate: async (request: DataGateRequest): Promise<DataGateResult> => {
      const passed = request.phase !== 4 || gateData.arrived;
      const check = {
        check: 'min_rows:upcoming_player_game_context',
        passed,
        observed: passed ? 352 : 40,
        required: 50,
        reason: passed ? 'enough' : '40 rows (need >= 50)',
      };
      return { ...request, enabled: true, passed, checks: [check], recheckAfterMs: 5 * 60_000 };
    },
  };
}

/** Every run of the workflow, first to last, following continue-as-new. */
async function runHistories(env: TestWorkflowEnvironment, workflowId: string, firstRunId: string) {
  const runs: HistoryRun[] = [];
  let runId: string | undefined = firstRunId;
  while (runId) {
    const history = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
    // Binary protobuf: the SDK's historyToJSON needs its own copy of protobufjs, which the client's history is not.
    const bytes = temporal.api.history.v1.History.encode(history).finish();
    runs.push({
      workflowId,
      runId,
      events: history.events?.length ?? 0,
      history: Buffer.from(bytes).toString('base64'),
    });
    const last = history.events?.at(-1);
    runId =
      last?.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
        ? (last.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined)
        : undefined;
  }
  return runs;
}

async function record(name: string, scenario: Scenario): Promise<void> {
  const env = scenario.server === 'dev' ? await createDevServerEnv() : await createTimeSkippingEnv();
  try {
    const scale = scenario.server === 'dev' ? { timeScale: 1 / 600 } : {};
    const config = await dayConfig(env, scenario.gameDate, scenario.startsAt, { ...scale, ...scenario.config });
    settingsBroken.real = () => settingsActivities(config).loadRunSettings();
    settingsBroken.now = name === 'start-failed';
    const platform = fakePlatform({
      config,
      client: env.client,
      ...scenario.platform,
      overrides: { ...scenario.platform?.overrides, ...gateOverride(name) },
    });
    const { worker, taskQueue } = await dayWorker(env, platform.activities);
    const handle = await worker.runUntil(async () => {
      const started = await startDay(env, taskQueue, { gameDate: scenario.gameDate, ...scenario.input });
      const more = await scenario.drive({ env, handle: started, config, gameDate: scenario.gameDate });
      return { started, more: more ?? [] };
    });
    const runs = [];
    for (const runId of [handle.started.firstExecutionRunId, ...handle.more])
      runs.push(...(await runHistories(env, handle.started.workflowId, runId)));
    const events = runs.reduce((n, r) => n + r.events, 0);
    writeFileSync(
      join(HISTORIES_DIR, `${name}.json`),
      JSON.stringify({ scenario: name, description: scenario.description, runs }) + '\n',
    );
    process.stderr.write(`[record] ${name}: ${runs.length} run(s), ${events} events\n`);
  } finally {
    await env.teardown();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' } } });
  const names = values.only ? values.only.split(',') : Object.keys(SCENARIOS);
  const unknown = names.filter((n) => !SCENARIOS[n]);
  if (unknown.length) {
    process.stderr.write(
      `unknown scenario(s): ${unknown.join(', ')}; expected: ${Object.keys(SCENARIOS).join(', ')}\n`,
    );
    process.exit(3);
  }
  mkdirSync(HISTORIES_DIR, { recursive: true });
  for (const name of names) {
    process.stderr.write(`[record] ${name}: ${SCENARIOS[name].description}\n`);
    await record(name, SCENARIOS[name]);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`[record] failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
