/**
 * The platform of the chaos season, in process (the time-skipping server's clock is not the machine's, so the
 * platform stamps each message from the calling activity's scheduled time): the scripted platform of the tests
 * with one day clock per date and the date's drawn fault applied to its calls. It records when each fault first hit,
 * every alert, and every trigger the platform ran, keyed by what it triggered (idempotency key without the run).
 */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { PipelineActivities } from '../../activities';
import { precomputeBehindGateActivities } from '../../activities/platform/precompute-behind-gate';
import type { GamedayConfig } from '../../config/schema';
import { processorCompletedSignal } from '../../contracts/workflow-api';
import { dayTimeInstant } from '../../domain/day-times';
import { fakePlatform } from '../../test/helpers/fake-platform';
import { completion } from '../../test/helpers/messages';
import type { DayClocks } from './day-clocks';
import type { FaultKind } from './faults';

export interface DateRecord {
  fault?: FaultKind;
  /** Day time the fault first hit. */
  faultAt?: number;
  alerts: { key: string; at: number }[];
  /** What was triggered (date, cycle/step, processor) -> the idempotency keys the platform ran it under. */
  triggers: Map<string, Set<string>>;
  hits: Map<string, number>;
  stalledBatches: Set<string>;
}

const DUPLICATE_DELIVERIES = 3;
const GAMES = 7;

export function chaosPlatform(
  config: GamedayConfig,
  client: Client,
  clocks: DayClocks,
  draw: Map<string, FaultKind>,
  records: Map<string, DateRecord>,
): PipelineActivities {
  const info = () => Context.current().info;
  const workflowId = () => info().workflowExecution?.workflowId ?? '';
  const dateOf = () => workflowId().slice(config.temporal.workflowIdPrefix.length);
  const record = (gameDate = dateOf()): DateRecord => {
    let r = records.get(gameDate);
    if (!r) {
      r = { fault: draw.get(gameDate), alerts: [], triggers: new Map(), hits: new Map(), stalledBatches: new Set() };
      records.set(gameDate, r);
    }
    return r;
  };
  const dayNow = (gameDate = dateOf()) => clocks.dayAt(gameDate, info().currentAttemptScheduledTimestampMs);
  /** True while the date's fault is `kind` and this is one of its first `times` hits. */
  const hit = (kind: FaultKind, times = 1, gameDate = dateOf()): boolean => {
    const r = record(gameDate);
    if (r.fault !== kind) return false;
    const n = (r.hits.get(kind) ?? 0) + 1;
    r.hits.set(kind, n);
    if (n > times) return false;
    r.faultAt ??= dayNow(gameDate);
    return true;
  };
  const ran = (key: string) => {
    const [date, , ...what] = key.split(':');
    const logical = [date, ...what].join(':');
    const r = record();
    r.triggers.set(logical, (r.triggers.get(logical) ?? new Set()).add(key));
  };
  const signal = async (message: object, messageId: string) => {
    const copies = record().fault === 'duplicate-delivery' ? DUPLICATE_DELIVERIES : 1;
    if (copies > 1) hit('duplicate-delivery', Number.MAX_SAFE_INTEGER);
    for (let i = 0; i < copies; i++) {
      await client.workflow.getHandle(workflowId()).signal(processorCompletedSignal, message, { messageId });
    }
  };

  const base = fakePlatform({ config, client, games: GAMES });
  let batches = 0;
  const overrides: Partial<PipelineActivities> = {
    ...clocks.activities(),
    countFinalGames: async (gameDate) => ({
      total: GAMES,
      final: dayNow(gameDate) >= dayTimeInstant(gameDate, 'D 23:59', config.timeZone) ? GAMES : 0,
    }),
    triggerAnalytics: async (request) => {
      ran(request.idempotencyKey);
      for (const className of request.processors) {
        const spec = config.processors[3].find((p) => p.className === className);
        if (!spec) continue;
        if (spec.name === 'upcoming_team_game_context' && hit('phase3-silent', Number.MAX_SAFE_INTEGER)) continue;
        await signal(
          completion(config, 3, spec.name, request.gameDate, dayNow()),
          `chaos-${request.idempotencyKey}-${spec.name}`,
        );
      }
      return { status: 'started' };
    },
    runPrecomputeProcessor: async (request) => {
      if (hit('phase4-5xx', 3)) {
        throw ApplicationFailure.retryable('POST /process-date answered 503', 'PlatformUnavailable', { status: 503 });
      }
      if (hit('silent-403', 8)) {
        throw ApplicationFailure.nonRetryable('POST /process-date answered 403 Forbidden', 'PlatformRejected', {
          status: 403,
        });
      }
      const spec = config.processors[4].find((p) => p.className === request.className);
      if (spec?.name === 'player_daily_cache' && hit('phase4-failed-result', 1)) {
        throw ApplicationFailure.retryable(
          `${request.className} finished with status failed`,
          'PrecomputeProcessorFailed',
        );
      }
      ran(request.idempotencyKey);
      return { processor: request.className, status: 'success', recordCount: 300 };
    },
    startPredictionBatch: async (request) => {
      if (hit('coordinator-503', 2)) {
        throw ApplicationFailure.retryable(`coordinator: data incomplete for ${request.gameDate}`, 'DataIncomplete');
      }
      ran(request.idempotencyKey);
      batches += 1;
      const batchId = `batch-${request.gameDate}-${batches}`;
      if (hit('stalled-batch', 1)) record().stalledBatches.add(batchId);
      return { outcome: 'started', batchId, totalRequests: 100 };
    },
    getPredictionBatchStatus: async (batchId) =>
      record().stalledBatches.has(batchId)
        ? { status: 'in_progress', completionPct: 40, expectedPlayers: 100, completedPlayers: 40 }
        : { status: 'complete', completionPct: 100, expectedPlayers: 100, completedPlayers: 100 },
    publishExportTrigger: async (request) => {
      ran(request.idempotencyKey);
      const exportTypes = request.kind === 'tonight' ? config.export.tonightTypes : config.export.resultsTypes;
      return { messageId: `export-${request.idempotencyKey}`, exportTypes };
    },
    publishGradingTrigger: async (request) => {
      ran(request.idempotencyKey);
      if (!hit('grading-silent', 1)) {
        await signal(
          {
            processor_name: 'Phase5BGrading',
            phase: 'phase_5b_grading',
            correlation_id: request.correlationId,
            timestamp: new Date(dayNow() + 120_000).toISOString(),
            target_date: request.gameDate,
            status: 'success',
            graded_count: 140,
          },
          `grading-${request.idempotencyKey}`,
        );
      }
      return { messageId: `grading-${request.idempotencyKey}` };
    },
    raiseAlert: async (alert) => {
      record(alert.gameDate).alerts.push({ key: alert.key, at: dayNow(alert.gameDate) });
    },
  };
  const parts = { ...base.activities, ...overrides } as PipelineActivities;
  return { ...parts, ...precomputeBehindGateActivities(parts) };
}
