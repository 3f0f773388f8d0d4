/** The "predictions by 2 PM ET" deadline: a durable timer; if predictions are not there by then, one alert with the fix. */
import type { Cycle } from '../../domain/cycles';
import type { Day } from '../day/day';
import { iso } from '../day/record';
import { formatTimeET } from '../../domain/dates';

export function predictionsDeadlineTrack(day: Day, cycle: Cycle): () => Promise<void> {
  const steps = day.state.cycles[cycle].steps.filter((s) => s.kind === 'predictions-deadline');
  return () =>
    day.runTrack('deadline', steps, async (step) => {
      const ready = () => day.state.predictions.ready;
      const inTime = await day.wait(step, 'predictions for the day', Date.parse(step.dueAt), ready);
      if (inTime) {
        const since = formatTimeET(day.state.predictions.readyAt ?? iso(day.now()), day.settings.timeZone);
        day.finishStep(
          step,
          'DONE',
          `predictions ready since ${since} (batch ${day.state.predictions.batchId ?? '?'})`,
        );
        return;
      }
      const waves = day.state.cycles[cycle].steps.filter((s) => s.kind === 'prediction-wave');
      const last = waves.filter((w) => w.finishedAt).pop();
      const where = last ? `last wave: ${last.label} ${last.status} (${last.outcome ?? ''})` : 'no wave has run';
      day.alert('PREDICTIONS_MISSING', {
        step,
        message: `${day.state.gameDate} (${day.state.gamesScheduled} games): predictions missing at the ${step.time.slice(-5)} deadline; ${where}`,
        fixCommand: day.fix(5, 'predictions missing at the deadline', ' --skip-gates'),
      });
      day.finishStep(step, 'FAILED', `predictions missing at the deadline (${where})`);
    });
}
