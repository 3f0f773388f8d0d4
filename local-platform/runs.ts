import type { MessageStatus } from '../domain/messages';
import type { ProcessorSpec } from '../domain/processors';
import { buildCompletionMessage, hex8, recordCountFor, type ProcessorPhase } from './completion';
import type { PlatformContext } from './context';
import type { RunEvent, RunOutcome } from './events';
import { behaviourOf, delayOf, processorScenario, type Scenario } from './scenario';
import { gameCount, gamesFor } from './schedule';

let runSequence = 0;

export interface RunRequest {
  phase: ProcessorPhase;
  spec: ProcessorSpec;
  gameDate: string;
  correlationId?: string;
  /** trigger_source of the message: the caller's, or the phase's convention. */
  triggerSource?: string;
  /** What started it, for the event log: `http`, `schedule`, `subscription`. */
  cause: string;
  /** backfill_mode / skip_downstream_trigger: the run writes its data but publishes nothing. */
  suppressPublish: boolean;
  /** Phase 4 `resultFailedTimes`: this run fails and publishes nothing. */
  resultFailed?: boolean;
  /** The scenario when the run was triggered. */
  scenario: Scenario;
  /** The game_date the message carries, when it is not the run's date (phase 3's "None"). */
  publishedDate?: string;
  /** A phase-2 run carries the Pub/Sub message ID of the scraper message that triggered it. */
  triggerMessageId?: string;
}

export interface RunResult {
  outcome: RunOutcome;
  /** Undefined for a run that never finishes. */
  status?: MessageStatus;
  recordCount: number;
  executionId: string;
  durationMs: number;
  errorMessage?: string;
}

/** Phases whose publishers let only `success` through (PLATFORM.md, the completion message). */
const SUCCESS_ONLY_PHASES = [2, 4];

/** The upcoming player context is published by the platform's async route by default. */
function asyncNameOf(scenario: Scenario, spec: ProcessorSpec): boolean {
  return processorScenario(scenario, spec.name).asyncClassName ?? spec.name === 'upcoming_player_game_context';
}

/**
 * Simulates one processor run: waits its delay (the day's time), writes its rows, then publishes its completion as
 * the scenario says. A `never` run returns at once with outcome `never` and publishes nothing, ever.
 */
export async function executeRun(ctx: PlatformContext, req: RunRequest): Promise<RunResult> {
  const { spec, scenario } = req;
  const behaviour = behaviourOf(scenario, spec.name);
  const settings = processorScenario(scenario, spec.name);
  const executionId = hex8((runSequence += 1) + Date.now());
  const record = (result: RunResult): RunResult => {
    ctx.events.add<RunEvent>({
      type: 'run',
      phase: req.phase,
      processor: spec.name,
      className: spec.className,
      gameDate: req.gameDate,
      outcome: result.outcome,
      status: result.status,
      executionId,
      correlationId: req.correlationId ?? executionId,
      cause: req.cause,
    });
    ctx.log(
      `phase ${req.phase} ${spec.className} ${req.gameDate} (${req.cause}): ${result.outcome}${result.status ? ` (${result.status})` : ''}`,
    );
    return result;
  };

  if (behaviour === 'never') return record({ outcome: 'never', recordCount: 0, executionId, durationMs: 0 });
  const durationMs = delayOf(scenario, spec.name);
  await ctx.timers.sleepDay(durationMs);

  let status: MessageStatus = 'success';
  let recordCount = settings.recordCount ?? recordCountFor(spec.name, gameCount(req.gameDate, scenario));
  let errorMessage: string | undefined;
  if (req.resultFailed) {
    status = 'failed';
    recordCount = 0;
    errorMessage = `${spec.className} failed: BigQuery job error 503 Service Unavailable (scenario resultFailedTimes)`;
  } else if (behaviour === 'failed') {
    status = 'failed';
    recordCount = 0;
    errorMessage = settings.errorMessage ?? `No data extracted for ${req.gameDate}`;
  } else if (behaviour === 'no_data') {
    status = 'no_data';
    recordCount = 0;
  }
  if (status === 'success') {
    await writeToWarehouse(ctx, { phase: req.phase, spec, gameDate: req.gameDate, status, recordCount, scenario });
  }

  const runKey = `${req.phase}:${spec.name}:${req.gameDate}`;
  const rerun = ctx.completedRuns.has(runKey);
  if (status === 'success') ctx.completedRuns.add(runKey);
  const base = { status, recordCount, executionId, durationMs, errorMessage };

  if (req.resultFailed) return record({ ...base, outcome: 'result_failed' });
  // Phase 4 publishes only on success (its base class has no failure publish): a failure is in the HTTP answer.
  if (req.phase === 4 && status === 'failed') return record({ ...base, outcome: 'result_failed' });
  // Phases 2 and 4 publish success only (PLATFORM.md): a no-data run, like a failed one, publishes nothing.
  if (status !== 'success' && SUCCESS_ONLY_PHASES.includes(req.phase))
    return record({ ...base, outcome: 'unpublished' });
  if (req.suppressPublish) return record({ ...base, outcome: 'suppressed' });
  if (behaviour === 'silent') return record({ ...base, outcome: 'silent' });
  if (status === 'success' && rerun && (settings.dedupeReruns ?? scenario.dedupeReruns)) {
    return record({ ...base, outcome: 'deduplicated' });
  }
  const message = (messageStatus: MessageStatus, error?: string) =>
    buildCompletionMessage({
      phase: req.phase,
      spec,
      asyncClassName: asyncNameOf(scenario, spec),
      executionId,
      correlationId: req.correlationId,
      gameDate: req.publishedDate ?? req.gameDate,
      status: messageStatus,
      recordCount: messageStatus === 'failed' ? 0 : recordCount,
      durationSeconds: Math.round(durationMs) / 1000,
      triggerSource: req.triggerSource,
      triggerMessageId: req.triggerMessageId,
      errorMessage: error,
      now: ctx.now(),
    });
  const topic = ctx.config.topics[req.phase];
  if (behaviour === 'failed-then-success' && !SUCCESS_ONLY_PHASES.includes(req.phase)) {
    // The run published success, then a later step raised and it published failed: the failed one arrives first.
    const success = message('success');
    ctx.publisher.publish(topic, message('failed', 'save step raised after the success message'));
    ctx.publisher.publish(topic, success);
    return record({ ...base, outcome: 'failed_then_success' });
  }
  ctx.publisher.publish(topic, message(status, errorMessage));
  return record({ ...base, outcome: 'published' });
}

/** The optional warehouse sink: the run's rows, written before its completion is published; failures only logged. */
export async function writeToWarehouse(
  ctx: PlatformContext,
  run: {
    phase: 1 | 2 | 3 | 4 | 5;
    spec: ProcessorSpec;
    gameDate: string;
    status: MessageStatus;
    recordCount: number;
    scenario: Scenario;
  },
): Promise<void> {
  if (!ctx.warehouse) return;
  try {
    await ctx.warehouse.processorRan({
      phase: run.phase,
      processor: run.spec.name,
      outputTable: run.spec.outputTable,
      gameDate: run.gameDate,
      status: run.status,
      recordCount: run.recordCount,
      games: gamesFor(run.gameDate, run.scenario, ctx.now()),
    });
  } catch (err) {
    ctx.log(`warehouse write for ${run.spec.name} ${run.gameDate} failed: ${(err as Error).message}`);
  }
}
