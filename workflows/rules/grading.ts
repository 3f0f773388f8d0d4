/**
 * Grading of D (phase 5b), driven by Gameday: checked on a durable timer from the first check time until every game
 * of D is Final, then one grading trigger; done when the grading function's completion message arrives.
 */
import type { ProcessorRun, StepState } from '../../contracts/state';
import type { Cycle } from '../../domain/cycles';
import { formatDuration } from '../../domain/dates';
import { gradesLater } from '../../domain/grading';
import type { AppliedForce, Day } from '../day/day';
import { patched } from '@temporalio/workflow';
import { iso, processorKey } from '../day/record';
import { readActivities, triggerActivities } from '../activity-proxies';
import { failureText } from './errors';

/** Runs whose grading went stuck before this patch wait for an operator, as they did; their histories replay. */
export const REGRADE_WHEN_STUCK_PATCH = 'regrade-once-when-stuck';
/** Runs graded before this patch ended a not-yet-graded run (auto_heal_pending, skipped) FAILED; they replay so. */
export const RETRY_UNGRADED_PATCH = 'retry-ungraded-grading';

export function gradingTrack(day: Day, cycle: Cycle): () => Promise<void> {
  const steps = day.state.cycles[cycle].steps.filter((s) => s.kind === 'grading');
  return () => day.runTrack('grading', steps, (step, force) => grade(day, step, force));
}

async function grade(day: Day, step: StepState, force: AppliedForce | undefined): Promise<void> {
  const every = step.everyMs ?? 15 * 60_000;
  const lastCheck = step.lastCheckAt ? Date.parse(step.lastCheckAt) : Date.parse(step.dueAt);
  const grading = (step.grading ??= { checks: 0 });
  if (!grading.triggeredAt || force) {
    if (!force) {
      await day.wait(step, `its first check (${step.time})`, Date.parse(step.dueAt));
      for (;;) {
        try {
          const games = await readActivities.countFinalGames.executeWithOptions(
            { summary: `grading: are all games of ${day.state.gameDate} Final?` },
            [day.state.gameDate],
          );
          Object.assign(grading, { checks: grading.checks + 1, finalGames: games.final, totalGames: games.total });
          if (games.total > 0 && games.final >= games.total) break;
          step.error = undefined;
        } catch (err) {
          step.error = `the Final check failed: ${failureText(err)}`;
        }
        const now = day.now();
        const late = now >= lastCheck;
        if (late) {
          day.alert('GRADING_LATE', {
            step,
            message: `${day.state.gameDate}: ${grading.finalGames ?? '?'}/${grading.totalGames ?? '?'} games Final at the last grading check (${step.lastCheckAt}); checking hourly`,
            fixCommand: day.fix(5, 'grade now'),
          });
        }
        const next = now + (late ? every * 4 : every);
        await day.wait(
          step,
          `every game Final (${grading.finalGames ?? '?'}/${grading.totalGames ?? '?'} so far)`,
          next,
        );
      }
    }
    step.status = 'RUNNING';
    try {
      await triggerActivities.publishGradingTrigger.executeWithOptions(
        { summary: `grading trigger for ${day.state.gameDate}` },
        [day.triggerIds(step)],
      );
    } catch (err) {
      const why = failureText(err);
      step.status = 'FAILED';
      step.error = `grading trigger failed: ${why}`;
      day.alert('STEP_FAILED', {
        step,
        message: `${day.state.gameDate}: ${step.error}`,
        fixCommand: day.fix(5, 'retry grading'),
      });
      await day.waitForOperator(step, 'an operator: `gameday force --phase 5` triggers grading again');
      return;
    }
    grading.triggeredAt = iso(day.now());
    day.markTriggered(
      step,
      force ? `grading triggered by ${force.user}` : `all ${grading.totalGames} games Final: grading triggered`,
    );
  }
  for (;;) {
    const run = await awaitCompletion(day, step);
    if (run?.status === 'success') {
      day.finishStep(step, 'DONE', `graded${run.recordCount !== undefined ? ` ${run.recordCount} predictions` : ''}`);
      return;
    }
    const retrying = run !== undefined && patched(RETRY_UNGRADED_PATCH);
    if (retrying && run.status === 'no_data') {
      day.finishStep(step, 'DONE', 'nothing to grade: the grading run found no predictions of the date', true);
      return;
    }
    if (!(retrying && gradesLater(run) && (await retryUngraded(day, step, run)))) break;
  }
  const run = graded(day, grading);
  const retried = grading.retries ? ` after ${grading.retries} re-trigger(s)` : '';
  const ended = `grading ended ${run?.error ?? run?.status ?? 'without a status'}${retried}`;
  day.finishStep(step, 'FAILED', step.error ? `${ended}; ${step.error}` : ended);
  day.alert('STEP_FAILED', {
    step,
    message: `${day.state.gameDate}: ${step.outcome}`,
    fixCommand: day.fix(5, 'retry grading'),
  });
}

type GradingProgress = NonNullable<StepState['grading']>;

/** The completion of the step's latest trigger, if it came (runs are kept newest first). */
function graded(day: Day, grading: GradingProgress): ProcessorRun | undefined {
  const triggeredAt = Date.parse(grading.triggeredAt ?? '');
  const ungradedAt = grading.ungradedAt ? Date.parse(grading.ungradedAt) : -Infinity;
  return (day.state.processors[processorKey(5, 'grading')]?.runs ?? []).find(
    (r) => Date.parse(r.at) >= triggeredAt - 60_000 && Date.parse(r.at) > ungradedAt,
  );
}

/** Waits for the latest trigger's completion: STUCK after the SLA (and one re-trigger, failure mode 7), never silent. */
async function awaitCompletion(day: Day, step: StepState): Promise<ProcessorRun | undefined> {
  const grading = (step.grading ??= { checks: 0 });
  const triggeredAt = Date.parse(grading.triggeredAt ?? '');
  const sla = day.settings.slaMs[5];
  const came = () => graded(day, grading) !== undefined;
  const inTime = await day.wait(step, 'the grading-complete message', triggeredAt + sla, came, 'RUNNING');
  if (!inTime) {
    step.error = `no grading-complete message ${formatDuration(sla)} after the trigger`;
    day.alert('STEP_STUCK', {
      step,
      message: `${day.state.gameDate}: ${step.error}`,
      fixCommand: day.fix(5, 'grading stuck'),
    });
    // Once per step: a run after continue-as-new finds it already sent (its first use of the field: no patch needed).
    const regraded = patched(REGRADE_WHEN_STUCK_PATCH) && !grading.regradedAt && (await regradeOnce(day, step, came));
    if (!regraded) await day.wait(step, 'the grading-complete message', undefined, came, 'STUCK');
  }
  const run = graded(day, grading);
  step.error = undefined;
  grading.completedAt = run?.at;
  grading.status = run?.reportedStatus ?? run?.status;
  return run;
}

/**
 * A run that could not grade yet (auto_heal_pending: the grading function re-runs player_game_summary itself; skipped:
 * no actual results): triggered again once player_game_summary completes after it, or `retryUngraded.waitMs` after it
 * at the latest, up to `retryUngraded.times` times. True when it was triggered again (its completion is awaited next).
 */
async function retryUngraded(day: Day, step: StepState, run: ProcessorRun): Promise<boolean> {
  const grading = (step.grading ??= { checks: 0 });
  const retry = step.retryUngraded ?? { times: 0, waitMs: 0 };
  const done = grading.retries ?? 0;
  if (done >= retry.times) return false;
  const ungradedAt = Date.parse(run.at);
  const boxScores = () =>
    (day.state.processors[processorKey(3, 'player_game_summary')]?.runs ?? []).some(
      (r) => r.status === 'success' && Date.parse(r.at) > ungradedAt,
    );
  const why = `grading answered ${run.reportedStatus}`;
  await day.wait(
    step,
    `player_game_summary again (${why}; try ${done + 1} of ${retry.times})`,
    ungradedAt + retry.waitMs,
    boxScores,
  );
  step.status = 'RUNNING';
  try {
    await triggerActivities.publishGradingTrigger.executeWithOptions(
      { summary: `grading re-trigger for ${day.state.gameDate} (${why})` },
      [day.triggerIds(step, `retry${done + 1}`)],
    );
  } catch (err) {
    step.error = `the re-trigger failed: ${failureText(err)}`;
    return false;
  }
  grading.retries = done + 1;
  grading.ungradedAt = run.at;
  grading.triggeredAt = iso(day.now());
  day.markTriggered(step, `${why}: grading triggered again (${done + 1} of ${retry.times})`);
  return true;
}

/**
 * Failure mode 7: a grading run can finish without publishing its completion. Grading is idempotent (it grades the
 * date again), so a stuck step triggers it once more with a fresh key; if that run is silent too, an operator is
 * needed (the STEP_STUCK alert is out). True when a completion arrived in the step's SLA after the re-trigger.
 */
async function regradeOnce(day: Day, step: StepState, came: () => boolean): Promise<boolean> {
  if (step.grading) step.grading.regradedAt = iso(day.now());
  try {
    await triggerActivities.publishGradingTrigger.executeWithOptions(
      { summary: `grading re-trigger for ${day.state.gameDate} (no completion came)` },
      [day.triggerIds(step, 'regrade')],
    );
  } catch (err) {
    step.error = `${step.error}; the re-trigger failed: ${failureText(err)}`;
    return false;
  }
  day.markTriggered(step, 'no grading-complete message: grading triggered once more');
  const sla = day.settings.slaMs[5];
  return day.wait(step, 'the grading-complete message (re-triggered)', day.now() + sla, came, 'STUCK');
}
