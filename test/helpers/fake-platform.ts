/**
 * The platform's activities replaced by a scripted platform, for workflow tests on the time-skipping server. Every
 * call is recorded with the day's (virtual) time at which the workflow scheduled it, read from the server's clock,
 * so a test asserts when triggers happened. Reactions (completions published after a phase-3 run, the grading
 * answer) are signals to the date's workflow, stamped in the day's time, as the real platform publishes them.
 */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { PipelineActivities, AlertRequest, ExecutionLogEvent } from '../../activities';
import { settingsActivities } from '../../activities/settings';
import { precomputeBehindGateActivities } from '../../activities/platform/precompute-behind-gate';
import type { GamedayConfig } from '../../config/schema';
import { processorCompletedSignal } from '../../contracts/workflow-api';
import { clockFrom, virtualNow, type DayClock } from '../../domain/clock';
import { completion } from './messages';
import { dayTimeInstant } from '../../domain/day-times';

/** Not recorded itself: its parts (checkDataGate, runPrecomputeProcessor) are. */
type GatedActivity = 'runPrecomputeProcessorBehindGate';

export interface RecordedCall {
  name: string;
  /** The day's time (epoch ms) at which the workflow scheduled the call. */
  at: number;
  args: unknown[];
}

interface TimeSource {
  getCurrentTime(request: object): Promise<{ time?: { seconds?: unknown; nanos?: number | null } | null }>;
}

export interface FakePlatform {
  activities: PipelineActivities;
  calls: RecordedCall[];
  alerts: AlertRequest[];
  executionLog: ExecutionLogEvent[];
  clock: DayClock;
  /** Calls of one activity. */
  of(name: string): RecordedCall[];
  /** The scripted phase-3 run (for overrides that wrap it). */
  baseTriggerAnalytics: PipelineActivities['triggerAnalytics'];
}

export interface FakePlatformOptions {
  config: GamedayConfig;
  client: Client;
  games?: number;
  /** When every game is Final (day time); default: D 23:59. */
  finalAt?: number;
  /** The phase-3 processors (snake names) whose runs never publish (e.g. the 2025-12-29 incident). */
  silentPhase3?: string[];
  /** The first N grading triggers run a grading that publishes no completion (failure mode 7). */
  lostGradingTriggers?: number;
  /** The statuses of the first grading runs that publish, in order (then `success`), with `predictionsFound` each. */
  gradingStatuses?: string[];
  predictionsFound?: number;
  /** Overrides, wrapped so they are recorded too. */
  overrides?: Partial<Omit<PipelineActivities, GatedActivity>>;
}

export function fakePlatform(options: FakePlatformOptions): FakePlatform {
  const { config, client } = options;
  if (!config.clock.realAnchor)
    throw new Error('fakePlatform needs config.clock.realAnchor (the server time at start)');
  const clock = clockFrom({ scale: config.timeScale, ...config.clock }, 0);
  const calls: RecordedCall[] = [];
  const alerts: AlertRequest[] = [];
  const executionLog: ExecutionLogEvent[] = [];
  const dayNow = () => virtualNow(clock, Context.current().info.currentAttemptScheduledTimestampMs);
  // A local activity's times come from the worker's clock, not the (time-skipping) server's: ask the server.
  const testService = (client.connection as { testService?: TimeSource }).testService;
  const localDayNow = async () => {
    if (!testService) return virtualNow(clock, Date.now());
    const { time } = await testService.getCurrentTime({});
    return virtualNow(clock, Number(time?.seconds ?? 0) * 1000 + Math.floor((time?.nanos ?? 0) / 1e6));
  };
  const handle = () => client.workflow.getHandle(Context.current().info.workflowExecution?.workflowId ?? '');
  const games = options.games ?? 7;
  let batches = 0;
  let lostGrading = 0;
  let gradingRuns = 0;

  const base: Omit<PipelineActivities, GatedActivity> = {
    ...settingsActivities(config),
    countScheduledGames: async () => games,
    countFinalGames: async (gameDate) => {
      const finalAt = options.finalAt ?? dayTimeInstant(gameDate, 'D 23:59', config.timeZone);
      return { total: games, final: dayNow() >= finalAt ? games : 0 };
    },
    triggerAnalytics: async (request) => {
      const at = dayNow();
      for (const className of request.processors) {
        const spec = config.processors[3].find((p) => p.className === className);
        if (!spec || options.silentPhase3?.includes(spec.name)) continue;
        await handle().signal(processorCompletedSignal, completion(config, 3, spec.name, request.gameDate, at), {
          messageId: `fake-${request.idempotencyKey}-${spec.name}`,
        });
      }
      return { status: 'started' };
    },
    runPrecomputeProcessor: async (request) => ({ processor: request.className, status: 'success', recordCount: 300 }),
    // Only called with legacy.mode on: tests of the coexistence pass the real activity (Firestore emulator).
    claimLegacyTrigger: async () => {
      throw ApplicationFailure.nonRetryable('the fake platform has no legacy documents', 'InvalidInput');
    },
    startPredictionBatch: async () => {
      batches += 1;
      return { outcome: 'started', batchId: `batch-${batches}`, totalRequests: 100 };
    },
    getPredictionBatchStatus: async () => ({
      status: 'complete',
      completionPct: 100,
      expectedPlayers: 100,
      completedPlayers: 100,
    }),
    publishExportTrigger: async (request) => ({
      messageId: `export-${calls.filter((c) => c.name === 'publishExportTrigger').length}`,
      exportTypes: request.kind === 'tonight' ? config.export.tonightTypes : config.export.resultsTypes,
    }),
    publishGradingTrigger: async (request) => {
      if (lostGrading < (options.lostGradingTriggers ?? 0)) {
        lostGrading += 1;
        return { messageId: `lost-${request.idempotencyKey}` };
      }
      const status = options.gradingStatuses?.[gradingRuns++] ?? 'success';
      await handle().signal(
        processorCompletedSignal,
        {
          processor_name: 'Phase5BGrading',
          phase: 'phase_5b_grading',
          correlation_id: request.correlationId,
          timestamp: new Date(dayNow() + 120_000).toISOString(),
          target_date: request.gameDate,
          status,
          predictions_found: options.predictionsFound ?? 140,
          graded_count: status === 'success' ? (options.predictionsFound ?? 140) : 0,
        },
        { messageId: `grading-${request.idempotencyKey}` },
      );
      return { messageId: 'grading-1' };
    },
    raiseAlert: async (alert) => {
      alerts.push(alert);
    },
    checkDataGate: async (request) => ({
      ...request,
      enabled: false,
      passed: true,
      checks: [],
      recheckAfterMs: 300_000,
    }),
    getPredictionSummary: async (gameDate) => ({
      gameDate,
      activePredictions: 0,
      produced: false,
      avgFeatureQuality: null,
    }),
    writeExecutionLog: async (events) => {
      executionLog.push(...events);
      return events.length;
    },
  };
  const merged = { ...base, ...options.overrides };
  const recorded = Object.fromEntries(
    Object.entries(merged).map(([name, fn]) => [
      name,
      async (...args: unknown[]) => {
        if (name !== 'writeExecutionLog' && name !== 'raiseAlert' && name !== 'loadRunSettings' && name !== 'planDay') {
          calls.push({ name, at: Context.current().info.isLocal ? await localDayNow() : dayNow(), args });
        }
        return (fn as (...a: unknown[]) => Promise<unknown>)(...args);
      },
    ]),
  ) as unknown as Omit<PipelineActivities, GatedActivity>;
  // Phase 4's gate and first call, composed of the recorded (and overridden) parts as the worker composes them.
  const activities: PipelineActivities = { ...recorded, ...precomputeBehindGateActivities(recorded) };
  return {
    activities,
    calls,
    alerts,
    executionLog,
    clock,
    of: (name) => calls.filter((c) => c.name === name),
    baseTriggerAnalytics: base.triggerAnalytics,
  };
}

export { ApplicationFailure };
