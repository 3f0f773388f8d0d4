/**
 * Phase 5, driven by Gameday: the cycle's prediction waves (PRE_GAME the evening before; FIRST, RETRY ...
 * LAST_CALL on the day). A wave runs at its time once the 4 -> 5 tiers hold (durable timers, no message needed),
 * passes its data gate, starts a batch (`force`, as the legacy schedulers do: predict-once keeps what exists),
 * and follows it to the end. A wave overtaken by the next one is skipped; a failed wave is left to the next.
 */
import type { StepState } from '../../contracts/state';
import type { Cycle } from '../../domain/cycles';
import { formatDuration } from '../../domain/dates';
import type { AppliedForce, Day } from '../day/day';
import { iso } from '../day/record';
import { predictionStartActivity, readActivities } from '../activity-proxies';
import { passDataGate } from './data-gate';
import { failureText, failureType } from './errors';
import { publishExport } from './exports';
import { claimBeforeTrigger } from './legacy-claim';
import { phase4To5 } from './phase4-to-5';

const MIN_REAL_POLL_MS = 200;

export function predictionWavesTrack(day: Day, cycle: Cycle): () => Promise<void> {
  const steps = day.state.cycles[cycle].steps.filter((s) => s.kind === 'prediction-wave');
  return () =>
    day.runTrack('predictions', steps, (step, force) => {
      const later = steps.find((s) => s.dueAt > step.dueAt);
      const until = later ? Date.parse(later.dueAt) : Date.parse(day.state.cycles[cycle].endsAt);
      return wave(day, step, force, until, later);
    });
}

async function wave(
  day: Day,
  step: StepState,
  force: AppliedForce | undefined,
  until: number,
  later: StepState | undefined,
): Promise<void> {
  const superseded = (why: string) =>
    day.finishStep(step, 'SKIPPED', `superseded by ${later?.label ?? 'the cycle end'}: ${why}`);
  if (!force && step.batch?.batchId === undefined) {
    if (day.now() >= until && later) return superseded('its time had passed');
    await day.wait(step, `its time (${step.time})`, Date.parse(step.dueAt));
    const dueAt = Date.parse(step.dueAt);
    let stuck = false;
    for (;;) {
      const decision = phase4To5(day, step);
      if (decision.kind === 'go') break;
      const now = day.now();
      if (now >= until) return superseded(`phase 4 -> 5 never held (${decision.reason})`);
      const stuckAt = day.catchUp(dueAt) + day.settings.slaMs[5];
      if (!stuck && now >= stuckAt) {
        stuck = true;
        step.error = `phase 4 -> 5 does not hold ${formatDuration(now - dueAt)} after ${step.time}: ${decision.reason}`;
        day.alert('STEP_STUCK', {
          step,
          message: `${day.state.gameDate} ${step.cycle}: ${step.label} waits for phase 4 (${decision.reason})`,
          fixCommand: day.fix(5, 'phase 4 incomplete'),
        });
      }
      const wakeAt = Math.min(decision.nextTierAt ?? Infinity, until, stuck ? Infinity : stuckAt);
      const seen = day.version;
      await day.wait(
        step,
        `phase 4 -> 5: ${decision.reason}`,
        wakeAt,
        () => day.version !== seen,
        stuck ? 'STUCK' : 'WAITING',
      );
    }
    step.error = undefined;
    if ((await passDataGate(day, step, force, { until })) === 'expired')
      return superseded('still blocked by its data gate');
  } else if (force) {
    // Passes at once when the force skips gates, and records that it did.
    await passDataGate(day, step, force);
  }
  if (step.batch?.batchId === undefined || force) {
    if ((await claimBeforeTrigger(day, step, force)) === 'skip') return;
    const started = await startBatch(day, step, until);
    if (!started) return;
  }
  await followBatch(day, step);
}

/** POST /start; true when there is a batch to follow. */
async function startBatch(day: Day, step: StepState, until: number): Promise<boolean> {
  const runMode = step.runMode ?? 'RETRY';
  step.status = 'RUNNING';
  day.refresh();
  try {
    const start = await predictionStartActivity.startPredictionBatch.executeWithOptions(
      {
        summary: `phase 5 ${runMode} predictions for ${day.state.gameDate}`,
        scheduleToCloseTimeout: Math.max(60_000, Math.ceil(day.real(until - day.now()))),
      },
      [{ ...day.triggerIds(step), runMode, force: true }],
    );
    if (start.outcome === 'no_games') {
      day.markTriggered(step, 'coordinator /start');
      day.finishStep(step, 'DONE', 'the coordinator found no games scheduled');
      return false;
    }
    if (start.outcome === 'nothing_to_predict') {
      day.markTriggered(step, 'coordinator /start');
      day.finishStep(step, 'DONE', 'no new players to predict (predict once: the others already have predictions)');
      return false;
    }
    step.batch = {
      batchId: start.batchId,
      runMode,
      attached: start.outcome === 'attached',
      expectedPlayers: start.totalRequests,
      lastProgressAt: iso(day.now()),
    };
    day.markTriggered(
      step,
      start.outcome === 'attached' ? `attached to running batch ${start.batchId}` : `started batch ${start.batchId}`,
    );
    return true;
  } catch (err) {
    const why = failureText(err);
    if (failureType(err) === 'NoPlayers') {
      day.finishStep(step, 'DONE', `the coordinator found no players (404): ${why}`);
      return false;
    }
    day.finishStep(step, 'FAILED', `coordinator /start failed: ${why}`);
    day.alert('STEP_FAILED', {
      step,
      message: `${day.state.gameDate}: ${step.label} could not start: ${why}`,
      fixCommand: day.fix(5, 'retry predictions'),
    });
    return false;
  }
}

/** Polls the batch to its end: complete, stalled (no progress for the stall time) or lost (the coordinator forgot it). */
async function followBatch(day: Day, step: StepState): Promise<void> {
  const batch = step.batch as NonNullable<StepState['batch']>;
  const batchId = batch.batchId as string;
  for (;;) {
    let status;
    try {
      status = await readActivities.getPredictionBatchStatus.executeWithOptions(
        { summary: `phase 5 batch ${batchId} status` },
        [batchId],
      );
    } catch (err) {
      const why = failureText(err);
      day.finishStep(step, 'FAILED', `batch ${batchId}: status unreadable: ${why}`);
      day.alert('STEP_FAILED', {
        step,
        message: `${day.state.gameDate}: ${step.label}: ${why}`,
        fixCommand: day.fix(5, 'retry predictions'),
      });
      return;
    }
    const progressed = status.completedPlayers !== undefined && status.completedPlayers !== batch.completedPlayers;
    Object.assign(batch, {
      status: status.status,
      expectedPlayers: status.expectedPlayers ?? batch.expectedPlayers,
      completedPlayers: status.completedPlayers,
      completionPct: status.completionPct,
    });
    if (progressed) batch.lastProgressAt = iso(day.now());
    if (status.status === 'complete') {
      await batchComplete(day, step);
      return;
    }
    if (status.status !== 'in_progress') {
      day.finishStep(step, 'FAILED', `batch ${batchId} is ${status.status} at the coordinator (lost)`);
      day.alert('STEP_FAILED', {
        step,
        message: `${day.state.gameDate}: prediction batch ${batchId} was lost by the coordinator (${status.status})`,
        fixCommand: day.fix(5, 'batch lost'),
      });
      return;
    }
    const stalledAt = Date.parse(batch.lastProgressAt as string) + day.settings.predictionStallMs;
    if (day.now() >= stalledAt) {
      day.finishStep(
        step,
        'FAILED',
        `batch ${batchId} stalled at ${status.completionPct}% (no progress for ${formatDuration(day.settings.predictionStallMs)})`,
      );
      day.alert('STEP_FAILED', {
        step,
        message: `${day.state.gameDate}: prediction batch ${batchId} stalled at ${status.completionPct}%`,
        fixCommand: day.fix(5, 'batch stalled'),
      });
      return;
    }
    const poll = Math.max(day.settings.predictionPollMs, MIN_REAL_POLL_MS / day.state.clock.scale);
    await day.wait(
      step,
      `batch ${batchId} (${status.completionPct}%)`,
      Math.min(day.now() + poll, stalledAt),
      () => false,
      'RUNNING',
    );
  }
}

async function batchComplete(day: Day, step: StepState): Promise<void> {
  const batch = step.batch as NonNullable<StepState['batch']>;
  const pct = batch.completionPct ?? 0;
  const players = `${batch.completedPlayers ?? '?'}/${batch.expectedPlayers ?? '?'} players`;
  const bar = day.settings.minCompletionPct;
  if (pct >= bar) {
    const predictions = day.state.predictions;
    if (!predictions.ready || (predictions.completionPct ?? 0) < pct) {
      day.state.predictions = {
        ready: true,
        readyAt: predictions.readyAt ?? iso(day.now()),
        completionPct: pct,
        batchId: batch.batchId,
      };
    }
  }
  const outcome = `batch ${batch.batchId} complete at ${Math.round(pct * 10) / 10}% (${players})${pct < bar ? `, below the ${bar}% bar` : ''}`;
  let exported = '';
  if (step.cycle === 'same_day' && day.settings.afterEachBatchExport && (batch.completedPlayers ?? 0) > 0) {
    exported = (await publishExport(day, step, 'tonight', undefined, 'after-batch'))
      ? '; tonight export published'
      : '';
  }
  day.finishStep(step, pct >= bar ? 'DONE' : 'FAILED', `${outcome}${exported}`);
  if (pct < bar) {
    day.alert('STEP_FAILED', {
      step,
      message: `${day.state.gameDate}: ${step.label} ended at ${pct}%, below the ${bar}% bar`,
      fixCommand: day.fix(5, 'predictions below the bar'),
    });
  }
}
