/** The gap check (D+1 09:00): anything of D not graded or not computed is reported, then the day ends. */
import type { DayState } from '../../contracts/state';
import type { Cycle } from '../../domain/cycles';
import { isStepFinished } from '../../domain/day-summary';
import type { Day } from '../day/day';

/** What the day did not do. Empty for a complete day. */
export function findGaps(state: DayState): string[] {
  const gaps: string[] = [];
  // Predictions are a gap only for a day that lived a cycle making them (a backfill starts overnight).
  const predicted = state.cycles.tomorrow.status !== 'SKIPPED' || state.cycles.same_day.status !== 'SKIPPED';
  const deadline = state.cycles.same_day.steps.find((s) => s.kind === 'predictions-deadline');
  if (predicted && (state.gamesScheduled ?? 0) > 0 && !state.predictions.ready)
    gaps.push('no prediction batch reached the bar');
  else if (deadline?.status === 'FAILED' && deadline.gate?.status === 'BLOCKED')
    gaps.push(`predictions: ${deadline.gate.reason}`);
  const overnight = state.cycles.overnight;
  for (const kind of ['phase3', 'phase4', 'grading', 'results-export'] as const) {
    const step = overnight.steps.find((s) => s.kind === kind);
    if (step && overnight.status !== 'SKIPPED' && step.status !== 'DONE')
      gaps.push(`overnight ${step.label}: ${step.status}`);
  }
  for (const cycle of Object.values(state.cycles)) {
    for (const step of cycle.steps) {
      if (step.status === 'MISSED' && !gaps.some((g) => g.includes(step.label)))
        gaps.push(`${cycle.cycle} ${step.label}: MISSED`);
    }
  }
  return gaps;
}

export function gapCheckTrack(day: Day, cycle: Cycle): () => Promise<void> {
  const steps = day.state.cycles[cycle].steps.filter((s) => s.kind === 'gap-check');
  return () =>
    day.runTrack('gap-check', steps, async (step, force) => {
      const dueAt = Date.parse(step.dueAt);
      const others = () => day.state.cycles[cycle].steps.filter((s) => s !== step && !isStepFinished(s)).length === 0;
      if (!force && day.catchUp(dueAt) > dueAt) {
        // A day started after its gap check (a backfill): the other steps first, for up to two hours.
        await day.wait(step, 'the other overnight steps', day.catchUp(dueAt, 4 * day.settings.cycleGraceMs), others);
      } else if (!force) {
        await day.wait(step, `its time (${step.time})`, dueAt);
      }
      const gaps = findGaps(day.state).filter((g) => !g.includes(step.label));
      // Steps still open in this cycle are gaps too: the day ends with this check.
      const open = day.state.cycles[cycle].steps.filter((s) => s !== step && !isStepFinished(s));
      if (gaps.length) {
        day.alert('DAY_GAPS', {
          step,
          message: `${day.state.gameDate}: the day ends with gaps: ${gaps.join('; ')}`,
          fixCommand: `gameday status ${day.state.gameDate}`,
        });
        day.finishStep(step, 'DONE', `gaps: ${gaps.join('; ')}`);
      } else {
        day.finishStep(
          step,
          'DONE',
          open.length ? `no gaps yet; still open: ${open.map((s) => s.label).join(', ')}` : 'no gaps',
        );
      }
    });
}
