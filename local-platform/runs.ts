import { randomUUID } from 'node:crypto';
import type { CompletionStatus } from '../domain/completion-message';
import type { ProcessorSpec } from '../domain/processors';
import { buildCompletionMessage, recordCountFor, type ProcessorPhase } from './completion';
import type { PlatformContext } from './context';
import type { RunEvent, RunOutcome } from './events';
import { behaviourOf, delayOf, processorScenario, type Scenario } from './scenario';
import { gameCount, gamesFor } from './schedule';

export interface RunRequest {
  phase: ProcessorPhase;
  spec: ProcessorSpec;
  gameDate: string;
  correlationId: string;
  triggerSource: string;
  /** backfill_mode / skip_downstream_trigger: the run writes its data but publishes nothing. */
  suppressPublish: boolean;
  /** Phase 4 `resultFailedTimes`: this run fails and publishes nothing. */
  resultFailed?: boolean;
  /** The scenario when the run was triggered. */
  scenario: Scenario;
}

export interface RunResult {
  outcome: RunOutcome;
  /** Undefined for a run that never finishes. */
  status?: CompletionStatus;
  recordCount: number;
  executionId: string;
  durationMs: number;
  errorMessage?: string;
}

/**
 * Simulates one processor run: waits its delay, then publishes its completion (or not) as the
 * scenario says. A `never` run returns at once with outcome `never` and publishes nothing, ever.
 */
export async function executeRun(ctx: PlatformContext, req: RunRequest): Promise<RunResult> {
  const { spec, scenario } = req;
  const behaviour = behaviourOf(scenario, spec.name);
  const settings = processorScenario(scenario, spec.name);
  const executionId = randomUUID();
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
      correlationId: req.correlationId,
    });
    ctx.log(
      `phase ${req.phase} ${spec.className} ${req.gameDate}: ${result.outcome}${result.status ? ` (${result.status})` : ''}`,
    );
    return result;
  };

  if (behaviour === 'never') {
    return record({ outcome: 'never', recordCount: 0, executionId, durationMs: 0 });
  }
  const durationMs = delayOf(scenario, spec.name);
  await ctx.timers.sleep(durationMs);

  let status: CompletionStatus = 'success';
  let recordCount = settings.recordCount ?? recordCountFor(spec.name, gameCount(req.gameDate, scenario));
  let errorMessage: string | undefined;
  if (req.resultFailed) {
    status = 'failed';
    recordCount = 0;
    errorMessage = `${spec.className} failed: BigQuery job error 503 Service Unavailable (scenario resultFailedTimes)`;
  } else if (behaviour === 'failed') {
    status = 'failed';
    recordCount = 0;
    errorMessage = settings.errorMessage ?? `${spec.className} failed for ${req.gameDate} (scenario behaviour failed)`;
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
  if (req.suppressPublish) return record({ ...base, outcome: 'suppressed' });
  if (behaviour === 'silent') return record({ ...base, outcome: 'silent' });
  if (status === 'success' && rerun && (settings.dedupeReruns ?? scenario.dedupeReruns)) {
    return record({ ...base, outcome: 'deduplicated' });
  }
  const message = buildCompletionMessage({
    phase: req.phase,
    spec,
    asyncClassName: settings.asyncClassName,
    executionId,
    correlationId: req.correlationId,
    gameDate: req.gameDate,
    status,
    recordCount,
    durationMs,
    triggerSource: req.triggerSource,
    errorMessage,
    errorType: status === 'failed' ? 'ProcessorError' : undefined,
    now: ctx.now(),
  });
  const result = record({ ...base, outcome: 'published' });
  ctx.publisher.publish(ctx.config.topics[req.phase], message);
  return result;
}

/** The optional warehouse sink: the run's rows, written before its completion is published; failures only logged. */
export async function writeToWarehouse(
  ctx: PlatformContext,
  run: {
    phase: 1 | 2 | 3 | 4 | 5;
    spec: ProcessorSpec;
    gameDate: string;
    status: CompletionStatus;
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
