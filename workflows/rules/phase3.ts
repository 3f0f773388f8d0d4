/**
 * Phase 3 of a cycle, observed: the platform runs it from phase-2 completions; Gameday counts the completions
 * (3 -> 4 rule: all expected, or 30 minutes after the first with the quorum and every critical one) and runs the
 * missing processors itself only as a remedy, once, when nothing arrived by the cycle's remedy time.
 */
import type { StepState } from '../../contracts/state';
import type { Cycle } from '../../domain/cycles';
import { formatDuration } from '../../domain/dates';
import type { AppliedForce, Day } from '../day/day';
import { iso, phase3View } from '../day/record';
import { triggerActivities } from '../activity-proxies';
import { failureText } from './errors';

export function phase3Track(day: Day, cycle: Cycle): () => Promise<void> {
  const steps = day.state.cycles[cycle].steps.filter((s) => s.kind === 'phase3');
  return () => day.runTrack('phase3', steps, (step, force) => watchPhase3(day, step, force));
}

export function isPhase3Done(day: Day, cycle: Cycle): StepState | undefined {
  const step = day.state.cycles[cycle].steps.find((s) => s.kind === 'phase3');
  return step && step.status === 'DONE' ? step : undefined;
}

async function watchPhase3(day: Day, step: StepState, force: AppliedForce | undefined): Promise<void> {
  const rule = day.settings.lifecycle[step.cycle].phase3;
  const countFrom = Date.parse(day.state.cycles[step.cycle].countFrom);
  const dayFrom = Date.parse(day.state.cycles.tomorrow.countFrom);
  const remedyAt = Date.parse(step.dueAt);
  const stuckAt = remedyAt + day.settings.slaMs[3];
  const window = day.settings.partialTriggerAfterMs;
  // A force runs the remedy now; otherwise it runs once, at the remedy time (a failed one waits for an operator).
  let remedyDue = Boolean(force);
  let remedyAttempted = false;
  let remedyFailed = false;
  for (;;) {
    const view = phase3View(day.state, rule, countFrom, dayFrom, window);
    step.phase3 = { ...step.phase3, ...view.progress };
    const done = view.progress.complete.length;
    const of = `${done}/${rule.expected.length}`;
    const now = day.now();
    if (view.decision.kind === 'all_complete') {
      day.finishStep(step, 'DONE', `all ${rule.expected.length} expected processors complete`);
      return;
    }
    if (view.decision.kind === 'partial' && view.partialAt !== undefined && now >= view.partialAt) {
      const missing = view.decision.missing.join(', ');
      day.finishStep(
        step,
        'DONE',
        `partial trigger: ${of} complete ${formatDuration(window)} after the first completion, missing ${missing}`,
        true,
      );
      day.alert('PHASE_DEGRADED', {
        step,
        message: `${day.state.gameDate} ${step.cycle}: phase 3 -> 4 with partial data (${of}), missing ${missing}`,
      });
      return;
    }
    if ((remedyDue || now >= remedyAt) && !remedyAttempted && !step.phase3.remedyTriggeredAt) {
      remedyDue = false;
      remedyAttempted = true;
      remedyFailed = !(await remedy(day, step, view.progress.missing ?? []));
      continue;
    }
    if (now >= stuckAt && step.status !== 'STUCK') {
      const critical =
        view.decision.kind === 'insufficient' && view.decision.missingCritical.length
          ? `; missing critical ${view.decision.missingCritical.join(', ')}`
          : '';
      step.status = 'STUCK';
      step.error = `${of} complete ${formatDuration(now - remedyAt)} after the remedy time${critical}`;
      day.alert('STEP_STUCK', {
        step,
        message: `${day.state.gameDate} ${step.cycle}: phase 3 is stuck at ${of} (missing ${(view.progress.missing ?? []).join(', ')})${critical}`,
        fixCommand: day.fix(4, 'phase 3 stuck'),
      });
    }
    const wakeAt = [view.decision.kind === 'partial' ? view.partialAt : undefined, remedyAt, stuckAt]
      .filter((t): t is number => t !== undefined && t > now)
      .sort((a, b) => a - b)[0];
    const waitingFor =
      view.decision.kind === 'partial' && view.partialAt !== undefined
        ? `${of} complete; the partial trigger at ${iso(view.partialAt)}`
        : `${rule.expected.filter((n) => !view.progress.complete.includes(n)).join(', ')} (${of} complete)`;
    const seen = day.version;
    const status = remedyFailed ? 'FAILED' : step.status === 'STUCK' ? 'STUCK' : 'WAITING';
    await day.wait(step, waitingFor, wakeAt, () => day.version !== seen, status);
  }
}

/** Runs the missing processors once (the platform publishes their completions as usual); false when it failed. */
async function remedy(day: Day, step: StepState, missing: string[]): Promise<boolean> {
  if (!missing.length) return true;
  const classNames = day.settings.catalog.processors[3].filter((p) => missing.includes(p.name)).map((p) => p.className);
  try {
    await triggerActivities.triggerAnalytics.executeWithOptions(
      { summary: `phase 3 remedy for ${day.state.gameDate}: ${missing.join(', ')}` },
      [{ ...day.triggerIds(step, 'remedy'), processors: classNames }],
    );
    step.phase3 = { ...(step.phase3 as NonNullable<StepState['phase3']>), remedyTriggeredAt: iso(day.now()), remedyProcessors: missing };
    day.markTriggered(step, `nothing arrived by ${step.time}: ran ${missing.join(', ')} as a remedy`);
    return true;
  } catch (err) {
    const why = failureText(err);
    step.error = `the phase-3 remedy failed: ${why}`;
    day.alert('STEP_FAILED', {
      step,
      message: `${day.state.gameDate} ${step.cycle}: running ${missing.join(', ')} failed: ${why}`,
      fixCommand: day.fix(3, 'retry the phase-3 remedy'),
    });
    return false;
  }
}
