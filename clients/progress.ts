/** Terminal progress of a date's day: a line for each change of a step, a cycle, an alert or the day's status. */
import type { DayState } from '../contracts/state';
import { stepLine } from '../domain/day-summary';

export class ProgressDiff {
  private previous = new Map<string, string>();

  constructor(private readonly timeZone?: string) {}

  next(state: DayState): string[] {
    const lines: string[] = [];
    const current = new Map<string, string>();
    current.set('day', `${state.gameDate}: ${state.status} (cycle ${state.cycle})`);
    for (const cycle of Object.values(state.cycles)) {
      current.set(
        `cycle:${cycle.cycle}`,
        `cycle ${cycle.cycle}: ${cycle.status}${cycle.note ? ` (${cycle.note})` : ''}`,
      );
      for (const step of cycle.steps) {
        if (step.status === 'PENDING' || (step.status === 'SKIPPED' && cycle.status === 'SKIPPED')) continue;
        // A step between two waits says nothing new.
        if ((step.status === 'WAITING' || step.status === 'RUNNING') && !step.waitingFor) continue;
        current.set(`step:${step.id}`, `${cycle.cycle} · ${stepLine(step, this.timeZone)}`);
      }
    }
    for (const alert of state.alerts) current.set(`alert:${alert.key}`, `ALERT ${alert.kind}: ${alert.message}`);
    state.operatorActions.forEach((a, i) =>
      current.set(
        `action:${i}`,
        `operator ${a.user} ${a.action}${a.phase ? ` phase ${a.phase}` : ''}: ${a.reason}${a.outcome ? ` -> ${a.outcome}` : ''}`,
      ),
    );
    for (const [key, line] of current) {
      if (this.previous.get(key) !== line && !line.endsWith(': PENDING')) lines.push(line);
    }
    this.previous = current;
    return lines;
  }
}
