import { randomUUID } from 'node:crypto';
import type { CompletionStatus } from '../domain/completion-message';
import { buildCompletionMessage } from './completion';
import type { PlatformContext } from './context';
import type { RunEvent } from './events';
import { behaviourOf, COORDINATOR_DEFAULTS, type Scenario } from './scenario';
import { writeToWarehouse } from './runs';
import { background } from './timers';

export type BatchState = 'in_progress' | 'complete' | 'superseded';

export interface Batch {
  batchId: string;
  gameDate: string;
  correlationId: string;
  triggerSource: string;
  startedAtMs: number;
  durationMs: number;
  expectedPlayers: number;
  /** completion_pct the batch ends at. */
  finalPct: number;
  /** False for a `never` coordinator: the batch stalls and never completes. */
  completes: boolean;
  state: BatchState;
  completedAtMs?: number;
  publishedStatus?: CompletionStatus;
}

export interface BatchProgress {
  expected_players: number;
  completed_players: number;
  completion_pct: number;
}

/** The prediction coordinator's batches. A batch advances with time and publishes its completion when done. */
export class Batches {
  private readonly byId = new Map<string, Batch>();

  constructor(private readonly ctx: () => PlatformContext) {}

  get(batchId: string): Batch | undefined {
    return this.byId.get(batchId);
  }

  /** The batch still running for a date, if any. */
  runningFor(gameDate: string): Batch | undefined {
    return [...this.byId.values()].reverse().find((b) => b.gameDate === gameDate && b.state === 'in_progress');
  }

  completedFor(gameDate: string): Batch | undefined {
    return [...this.byId.values()].reverse().find((b) => b.gameDate === gameDate && b.state === 'complete');
  }

  /** The newest running batch of any date. */
  active(): Batch | undefined {
    return [...this.byId.values()].reverse().find((b) => b.state === 'in_progress');
  }

  start(opts: {
    gameDate: string;
    games: number;
    correlationId?: string;
    triggerSource: string;
    scenario: Scenario;
  }): Batch {
    const ctx = this.ctx();
    const coordinator = opts.scenario.coordinator ?? {};
    const nowMs = ctx.now().getTime();
    let batchId = `batch_${opts.gameDate}_${Math.floor(nowMs / 1000)}`;
    for (let n = 2; this.byId.has(batchId); n++) batchId = `batch_${opts.gameDate}_${Math.floor(nowMs / 1000)}_${n}`;
    const batch: Batch = {
      batchId,
      gameDate: opts.gameDate,
      correlationId: opts.correlationId ?? randomUUID(),
      triggerSource: opts.triggerSource,
      startedAtMs: nowMs,
      durationMs: coordinator.batchDurationMs ?? COORDINATOR_DEFAULTS.batchDurationMs,
      expectedPlayers: opts.games * (coordinator.playersPerGame ?? COORDINATOR_DEFAULTS.playersPerGame),
      finalPct: coordinator.completionPct ?? COORDINATOR_DEFAULTS.completionPct,
      completes: behaviourOf(opts.scenario, this.coordinatorName()) !== 'never',
      state: 'in_progress',
    };
    this.byId.set(batchId, batch);
    ctx.log(
      `coordinator: batch ${batchId} started for ${opts.gameDate} (${batch.expectedPlayers} players, ${batch.durationMs} ms)`,
    );
    if (batch.completes) {
      background(async () => {
        await ctx.timers.sleep(batch.durationMs);
        await this.writePredictions(batch, opts.scenario);
        this.complete(batch, opts.scenario);
      }, ctx.log);
    }
    return batch;
  }

  /** `force` replaced this batch: it stops and is no longer reported. */
  supersede(batch: Batch): void {
    batch.state = 'superseded';
  }

  progress(batch: Batch): BatchProgress {
    const finalCompleted = Math.round((batch.expectedPlayers * batch.finalPct) / 100);
    let completed = finalCompleted;
    if (batch.state !== 'complete') {
      const elapsed = this.ctx().now().getTime() - batch.startedAtMs;
      const fraction = Math.min(batch.completes ? 0.99 : 0.5, batch.durationMs > 0 ? elapsed / batch.durationMs : 1);
      completed = Math.floor(finalCompleted * Math.max(0, fraction));
    }
    const pct =
      batch.state === 'complete'
        ? batch.finalPct
        : batch.expectedPlayers > 0
          ? Math.round((completed / batch.expectedPlayers) * 1000) / 10
          : 0;
    return { expected_players: batch.expectedPlayers, completed_players: completed, completion_pct: pct };
  }

  /** The optional warehouse sink gets the batch's active predictions (one per completed player). */
  private async writePredictions(batch: Batch, scenario: Scenario): Promise<void> {
    const ctx = this.ctx();
    const spec = ctx.config.processors[5][0];
    const behaviour = behaviourOf(scenario, spec.name);
    if (batch.state !== 'in_progress' || behaviour === 'failed' || behaviour === 'no_data') return;
    const completed = Math.round((batch.expectedPlayers * batch.finalPct) / 100);
    const status: CompletionStatus = batch.finalPct >= 100 ? 'success' : 'partial';
    await writeToWarehouse(ctx, { phase: 5, spec, gameDate: batch.gameDate, status, recordCount: completed, scenario });
  }

  private coordinatorName(): string {
    return this.ctx().config.processors[5][0].name;
  }

  private complete(batch: Batch, scenario: Scenario): void {
    if (batch.state !== 'in_progress') return;
    const ctx = this.ctx();
    const spec = ctx.config.processors[5][0];
    const behaviour = behaviourOf(scenario, spec.name);
    batch.state = 'complete';
    batch.completedAtMs = ctx.now().getTime();
    const progress = this.progress(batch);
    const status: CompletionStatus =
      behaviour === 'failed'
        ? 'failed'
        : behaviour === 'no_data'
          ? 'no_data'
          : batch.finalPct >= 100
            ? 'success'
            : 'partial';
    batch.publishedStatus = status;
    const executionId = randomUUID();
    ctx.events.add<RunEvent>({
      type: 'run',
      phase: 5,
      processor: spec.name,
      className: spec.className,
      gameDate: batch.gameDate,
      outcome: behaviour === 'silent' ? 'silent' : 'published',
      status,
      executionId,
      correlationId: batch.correlationId,
    });
    ctx.log(`coordinator: batch ${batch.batchId} complete at ${progress.completion_pct}% (${status})`);
    if (behaviour === 'silent') return;
    const message = buildCompletionMessage({
      phase: 5,
      spec,
      asyncClassName: scenario.processors?.[spec.name]?.asyncClassName,
      executionId,
      correlationId: batch.correlationId,
      gameDate: batch.gameDate,
      status,
      recordCount: progress.completed_players,
      durationMs: batch.completedAtMs - batch.startedAtMs,
      triggerSource: batch.triggerSource,
      errorMessage:
        status === 'failed'
          ? (scenario.processors?.[spec.name]?.errorMessage ?? 'prediction batch failed (scenario behaviour failed)')
          : undefined,
      errorType: status === 'failed' ? 'PredictionBatchError' : undefined,
      metadata: {
        batch_id: batch.batchId,
        completion_pct: progress.completion_pct,
        expected_players: progress.expected_players,
        completed_players: progress.completed_players,
      },
      now: ctx.now(),
    });
    ctx.publisher.publish(ctx.config.topics[5], message);
  }
}
