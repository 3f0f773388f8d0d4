/**
 * The "predictions by 2 PM ET" deadline: a durable timer; if predictions are not there by then, one alert with the fix.
 * There means a batch at the completion bar and, with the warehouse on, at least `minActivePredictions` active rows
 * in the predictions table (PLATFORM.md), checked by the phase-6 data gate until the deadline.
 */
import { patched } from '@temporalio/workflow';
import type { StepState } from '../../contracts/state';
import type { Cycle } from '../../domain/cycles';
import type { Day } from '../day/day';
import { iso } from '../day/record';
import { formatTimeET } from '../../domain/dates';
import { passDataGate } from './data-gate';

/** Runs that met the deadline before this patch took a batch's percentage alone; they replay so. */
export const DEADLINE_CHECKS_ACTIVE_ROWS_PATCH = 'deadline-checks-active-rows';

export function predictionsDeadlineTrack(day: Day, cycle: Cycle): () => Promise<void> {
  const steps = day.state.cycles[cycle].steps.filter((s) => s.kind === 'predictions-deadline');
  return () =>
    day.runTrack('deadline', steps, async (step) => {
      const deadline = Date.parse(step.dueAt);
      const ready = () => day.state.predictions.ready;
      const inTime = await day.wait(step, 'predictions for the day', deadline, ready);
      const rows = inTime && patched(DEADLINE_CHECKS_ACTIVE_ROWS_PATCH) ? await activeRows(day, step, deadline) : '';
      if (inTime && rows !== undefined) {
        const since = formatTimeET(day.state.predictions.readyAt ?? iso(day.now()), day.settings.timeZone);
        day.finishStep(
          step,
          'DONE',
          `predictions ready since ${since} (batch ${day.state.predictions.batchId ?? '?'}${rows})`,
        );
        return;
      }
      const waves = day.state.cycles[cycle].steps.filter((s) => s.kind === 'prediction-wave');
      const last = waves.filter((w) => w.finishedAt).pop();
      const where = last ? `last wave: ${last.label} ${last.status} (${last.outcome ?? ''})` : 'no wave has run';
      const deadlineAt = step.time.slice(-5);
      const { batchId, completionPct } = day.state.predictions;
      const short = `batch ${batchId ?? '?'} reached ${completionPct ?? '?'}% but ${step.gate?.reason ?? 'its rows are missing'}`;
      day.alert('PREDICTIONS_MISSING', {
        step,
        message: `${day.state.gameDate} (${day.state.gamesScheduled} games): ${inTime ? `${short} at the ${deadlineAt} deadline` : `predictions missing at the ${deadlineAt} deadline; ${where}`}`,
        fixCommand: day.fix(5, 'predictions missing at the deadline', ' --skip-gates'),
      });
      day.finishStep(
        step,
        'FAILED',
        inTime ? `${short} at the deadline` : `predictions missing at the deadline (${where})`,
      );
    });
}

/**
 * The predictions table's active rows for the date, by the phase-6 gate, re-checked until the deadline: the text the
 * step's outcome gets (empty with the warehouse off), or undefined when there are still too few at the deadline.
 */
async function activeRows(day: Day, step: StepState, deadline: number): Promise<string | undefined> {
  if ((await passDataGate(day, step, undefined, { until: deadline, phase: 6 })) === 'expired') return undefined;
  const observed = step.gate?.checks.find((c) => c.check === 'predictions')?.observed;
  day.state.predictions.activeRows = observed;
  return observed === undefined ? '' : `, ${observed} active rows`;
}
