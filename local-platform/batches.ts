/**
 * The prediction coordinator's batches, with "predict once": a player who has a prediction for the date is never
 * predicted again, so each wave's batch is the players newly eligible (their lines appear through the day). A batch
 * advances with the day's time; when complete it writes the predictions and publishes one `success` message (and,
 * as the real coordinator does on late completion events, the same message again). A batch with nobody to predict is
 * complete at once and publishes nothing.
 */
import { buildCompletionMessage } from './completion';
import type { PlatformContext } from './context';
import type { Batch, BatchProgress, CoordinatorBatches } from './batch-types';
import type { RunEvent } from './events';
import { pyFloat } from './python-json';
import { behaviourOf, COORDINATOR_DEFAULTS, type Scenario } from './scenario';
import { writeToWarehouse } from './runs';
import { background } from './timers';

/** Lines predicted per player (points, rebounds, ...): the batch's total predictions. */
export const PREDICTIONS_PER_PLAYER = 8;

/** Share of the day's players a wave can predict: lines appear through the day. */
const ELIGIBLE_BY_MODE: Record<string, number> = {
  PRE_GAME: 0.6,
  FIRST: 0.75,
  RETRY: 0.85,
  FINAL_RETRY: 0.95,
  LAST_CALL: 1,
  BACKFILL: 1,
};

export class Batches implements CoordinatorBatches {
  private readonly byId = new Map<string, Batch>();
  /** Players with a prediction, per date (predict once). */
  private readonly predicted = new Map<string, number>();
  private statusCalls = 0;

  constructor(private readonly ctx: () => PlatformContext) {}

  /** A new scenario starts its "forget after N status calls" count again. */
  resetFaults(): void {
    this.statusCalls = 0;
  }

  get(batchId: string): Batch | undefined {
    const forget = this.ctx().scenario().coordinator?.forgetAfterStatusCalls;
    if (forget !== undefined && ++this.statusCalls > forget) return undefined;
    return this.byId.get(batchId);
  }

  runningFor(gameDate: string): Batch | undefined {
    return [...this.byId.values()].reverse().find((b) => b.gameDate === gameDate && b.state === 'in_progress');
  }

  newest(): Batch | undefined {
    return [...this.byId.values()].at(-1);
  }

  active(): Batch | undefined {
    return [...this.byId.values()].reverse().find((b) => b.state === 'in_progress');
  }

  predictedPlayers(gameDate: string): number {
    return this.predicted.get(gameDate) ?? 0;
  }

  /** Players the date has, and how many a run mode may predict now that were not predicted yet. */
  eligible(gameDate: string, games: number, runMode: string, scenario: Scenario): { total: number; newly: number } {
    const total = games * (scenario.coordinator?.playersPerGame ?? COORDINATOR_DEFAULTS.playersPerGame);
    const share = ELIGIBLE_BY_MODE[runMode] ?? ELIGIBLE_BY_MODE.RETRY;
    return { total, newly: Math.max(0, Math.round(total * share) - this.predictedPlayers(gameDate)) };
  }

  start(opts: {
    gameDate: string;
    runMode: string;
    players: number;
    correlationId?: string;
    triggerSource: string;
    scenario: Scenario;
  }): Batch {
    const ctx = this.ctx();
    const coordinator = opts.scenario.coordinator ?? {};
    const nowMs = ctx.now().getTime();
    let batchId = `batch_${opts.gameDate}_${Math.floor(nowMs / 1000)}`;
    for (let n = 2; this.byId.has(batchId); n++) batchId = `batch_${opts.gameDate}_${Math.floor(nowMs / 1000)}_${n}`;
    const msPerPlayer = coordinator.msPerPlayer ?? COORDINATOR_DEFAULTS.msPerPlayer;
    const batch: Batch = {
      batchId,
      gameDate: opts.gameDate,
      runMode: opts.runMode,
      correlationId: opts.correlationId ?? batchId,
      triggerSource: opts.triggerSource,
      startedAtMs: nowMs,
      durationMs: Math.min(30 * 60_000, opts.players * msPerPlayer),
      expectedPlayers: opts.players,
      finalPct: coordinator.completionPct ?? COORDINATOR_DEFAULTS.completionPct,
      completes: !coordinator.stall && behaviourOf(opts.scenario, this.coordinatorName()) !== 'never',
      state: opts.players === 0 ? 'complete' : 'in_progress',
    };
    this.byId.set(batchId, batch);
    ctx.log(`coordinator: ${opts.runMode} batch ${batchId} for ${opts.gameDate}: ${batch.expectedPlayers} players`);
    if (batch.state === 'complete') {
      batch.completedAtMs = nowMs;
      return batch;
    }
    if (batch.completes) {
      background(async () => {
        await ctx.timers.sleepDay(batch.durationMs);
        await this.complete(batch, opts.scenario);
      }, ctx.log);
    }
    return batch;
  }

  supersede(batch: Batch): void {
    batch.state = 'superseded';
  }

  progress(batch: Batch): BatchProgress {
    const finalCompleted = Math.round((batch.expectedPlayers * batch.finalPct) / 100);
    let completed = finalCompleted;
    if (batch.state !== 'complete') {
      const elapsed = this.ctx().now().getTime() - batch.startedAtMs;
      // A stalled batch stops at 40%.
      const cap = batch.completes ? 0.99 : 0.4;
      const fraction = Math.min(cap, batch.durationMs > 0 ? elapsed / batch.durationMs : 1);
      completed = Math.floor(finalCompleted * Math.max(0, fraction));
    }
    const pct = batch.expectedPlayers > 0 ? (completed / batch.expectedPlayers) * 100 : 100;
    return {
      expected_players: batch.expectedPlayers,
      completed_players: completed,
      completion_pct: Math.round(pct * 100) / 100,
    };
  }

  private coordinatorName(): string {
    return this.ctx().config.processors[5][0].name;
  }

  private async complete(batch: Batch, scenario: Scenario): Promise<void> {
    if (batch.state !== 'in_progress') return;
    const ctx = this.ctx();
    const spec = ctx.config.processors[5][0];
    batch.state = 'complete';
    batch.completedAtMs = ctx.now().getTime();
    const progress = this.progress(batch);
    this.predicted.set(batch.gameDate, this.predictedPlayers(batch.gameDate) + progress.completed_players);
    await writeToWarehouse(ctx, {
      phase: 5,
      spec,
      gameDate: batch.gameDate,
      status: 'success',
      recordCount: this.predictedPlayers(batch.gameDate),
      scenario,
    });
    const behaviour = behaviourOf(scenario, spec.name);
    ctx.events.add<RunEvent>({
      type: 'run',
      phase: 5,
      processor: spec.name,
      className: spec.className,
      gameDate: batch.gameDate,
      outcome: behaviour === 'silent' ? 'silent' : 'published',
      status: 'success',
      executionId: batch.batchId,
      correlationId: batch.correlationId,
      cause: `${batch.runMode} batch`,
    });
    ctx.log(`coordinator: batch ${batch.batchId} complete at ${progress.completion_pct}%`);
    if (behaviour === 'silent') return;
    // The live coordinator publishes `success` whatever the percentage, from its Firestore summary.
    const message = buildCompletionMessage({
      phase: 5,
      spec,
      executionId: batch.batchId,
      correlationId: batch.correlationId,
      gameDate: batch.gameDate,
      status: 'success',
      recordCount: progress.completed_players,
      durationSeconds: Math.round(batch.completedAtMs - batch.startedAtMs) / 1000,
      triggerSource: 'automatic',
      metadata: {
        batch_id: batch.batchId,
        expected_players: progress.expected_players,
        completed_players: progress.completed_players,
        completed_predictions: progress.completed_players,
        total_predictions: progress.completed_players * PREDICTIONS_PER_PLAYER,
        completion_pct: pyFloat(progress.completion_pct),
      },
      now: ctx.now(),
    });
    ctx.publisher.publish(ctx.config.topics[5], message);
    // A late completion event for the finished batch publishes the same summary again (same execution_id).
    ctx.publisher.publish(ctx.config.topics[5], message);
  }
}
