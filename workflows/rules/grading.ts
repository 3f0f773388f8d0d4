/**
 * Grading of D (phase 5b), driven by Gameday: checked on a durable timer from the first check time until every game
 * of D is Final, then one grading trigger; done when the grading function's completion message arrives.
 */
import type { StepState } from '../../contracts/state';
import type { Cycle } from '../../domain/cycles';
import { formatDuration } from '../../domain/dates';
import type { AppliedForce, Day } from '../day/day';
import { patched } from '@temporalio/workflow';
import { iso, processorKey } from '../day/record';
import { readActivities, triggerActivities } from '../activity-proxies';
import { failureText } from './errors';

/** Runs whose grading went stuck before this patch wait for an operator, as they did; their histories replay. */
export const REGRADE_WHEN_STUCK_PATCH = 'regrade-once-when-stuck';

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
  const triggeredAt = Date.parse(grading.triggeredAt as string);
  const graded = () =>
    (day.state.processors[processorKey(5, 'grading')]?.runs ?? []).find(
      (r) => Date.parse(r.at) >= triggeredAt - 60_000,
    );
  const sla = day.settings.slaMs[5];
  const inTime = await day.wait(
    step,
    'the grading-complete message',
    triggeredAt + sla,
    () => graded() !== undefined,
    'RUNNING',
  );
  if (!inTime) {
    step.error = `no grading-complete message ${formatDuration(sla)} after the trigger`;
    day.alert('STEP_STUCK', {
      step,
      message: `${day.state.gameDate}: ${step.error}`,
      fixCommand: day.fix(5, 'grading stuck'),
    });
    // Once per step: a run after continue-as-new finds it already sent (its first use of the field: no patch needed).
    const regraded = patched(REGRADE_WHEN_STUCK_PATCH) && !grading.regradedAt && (await regradeOnce(day, step, graded));
    if (!regraded) {
      await day.wait(step, 'the grading-complete message', undefined, () => graded() !== undefined, 'STUCK');
    }
  }
  const run = graded();
  step.error = undefined;
  grading.completedAt = run?.at;
  grading.status = run?.status;
  if (run?.status === 'success') {
    day.finishStep(step, 'DONE', `graded${run.recordCount !== undefined ? ` ${run.recordCount} predictions` : ''}`);
    return;
  }
  day.finishStep(step, 'FAILED', `grading ended ${run?.error ?? run?.status ?? 'without a status'}`);
  day.alert('STEP_FAILED', {
    step,
    message: `${day.state.gameDate}: grading ended ${run?.error ?? run?.status}`,
    fixCommand: day.fix(5, 'retry grading'),
  });
}

/**
 * Failure mode 7: a grading run can finish without publishing its completion. Grading is idempotent (it grades the
 * date again), so a stuck step triggers it once more with a fresh key; if that run is silent too, an operator is
 * needed (the STEP_STUCK alert is out). True when a completion arrived in the step's SLA after the re-trigger.
 */
async function regradeOnce(day: Day, step: StepState, graded: () => unknown): Promise<boolean> {
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
  return day.wait(
    step,
    'the grading-complete message (re-triggered)',
    day.now() + sla,
    () => graded() !== undefined,
    'STUCK',
  );
}
