/**
 * Phase 3 of a cycle, observed: the platform runs it from phase-2 completions; Gameday counts the completions.
 * - The 3 -> 4 rule (phase 4 may go): every expected processor, or, 30 minutes after the cycle's first completion,
 *   the quorum with every critical one (the partial trigger, with the reason and what is missing).
 * - At the cycle's remedy time, processors still missing are run by Gameday itself, once: never a second copy of
 *   what arrived.
 * - The step ends when all are in, or an SLA after the remedy time: degraded if some never came, STUCK (with one
 *   alert) if the rule never held.
 */
import type { StepState } from '../../contracts/state';
import type { Cycle } from '../../domain/cycles';
import { formatDuration, formatTimeET } from '../../domain/dates';
import type { AppliedForce, Day } from '../day/day';
import { iso, phase3View } from '../day/record';
import { triggerActivities } from '../activity-proxies';
import { failureText } from './errors';

export function phase3Track(day: Day, cycle: Cycle): () => Promise<void> {
  const steps = day.state.cycles[cycle].steps.filter((s) => s.kind === 'phase3');
  return () => day.runTrack('phase3', steps, (step, force) => watchPhase3(day, step, force));
}

/** The cycle's phase-3 step once the 3 -> 4 rule has held (or an operator forced phase 4). */
export function phase3Decided(day: Day, cycle: Cycle): StepState | undefined {
  const step = day.state.cycles[cycle].steps.find((s) => s.kind === 'phase3');
  return step && (step.status === 'DONE' || step.phase3?.decidedAt) ? step : undefined;
}

async function watchPhase3(day: Day, step: StepState, force: AppliedForce | undefined): Promise<void> {
  const rule = day.settings.lifecycle[step.cycle].phase3;
  const countFrom = Date.parse(day.state.cycles[step.cycle].countFrom);
  const dayFrom = Date.parse(day.state.cycles.tomorrow.countFrom);
  const remedyAt = day.catchUp(Date.parse(step.dueAt));
  // After an operator's force, the step gets its SLA again from the force before it can be stuck.
  const endAt = Math.max(remedyAt, force ? day.now() : 0) + day.settings.slaMs[3];
  const window = day.settings.partialTriggerAfterMs;
  // A force runs the remedy now; otherwise it runs once, at the remedy time (a failed one waits for an operator).
  let remedyDue = Boolean(force);
  let remedyAttempted = false;
  // A remedy that failed in the run before waits for an operator's force here too.
  let remedyFailed = Boolean(step.phase3?.remedyFailedAt) && !force;
  for (;;) {
    const view = phase3View(day.state, rule, countFrom, dayFrom, window);
    step.phase3 = { ...step.phase3, ...view.progress };
    const progress = step.phase3;
    const done = view.progress.complete.length;
    const of = `${done}/${rule.expected.length}`;
    const missing = view.progress.missing ?? [];
    const now = day.now();
    if (view.decision.kind === 'all_complete') {
      const reason = `all ${rule.expected.length} expected processors complete`;
      progress.decidedAt ??= iso(now);
      progress.decision ??= reason;
      day.finishStep(step, 'DONE', progress.decision === reason ? reason : `${progress.decision}; all complete later`);
      return;
    }
    if (
      !progress.decidedAt &&
      view.decision.kind === 'partial' &&
      view.partialAt !== undefined &&
      now >= view.partialAt
    ) {
      progress.decidedAt = iso(now);
      progress.decision = `partial trigger: ${of} complete ${formatDuration(window)} after the first completion, missing ${missing.join(', ')}`;
      day.log({
        executionId: `${day.state.runId}:${step.id}:decided`,
        processorName: 'gameday',
        phase: 'phase_3_analytics',
        triggeredAt: progress.decidedAt,
        status: 'phase4_allowed_partial',
        triggerSource: 'gameday',
        errorMessage: progress.decision,
      });
      day.refresh();
    }
    // A force runs the remedy again (a fresh idempotency key) even if the scheduled one ran already.
    if (
      !remedyAttempted &&
      (remedyDue || (now >= remedyAt && !progress.remedyTriggeredAt && !progress.remedyFailedAt))
    ) {
      remedyDue = false;
      remedyAttempted = true;
      remedyFailed = !(await remedy(day, step, missing));
      progress.remedyFailedAt = remedyFailed ? iso(day.now()) : undefined;
      continue;
    }
    // The step ends an SLA after the remedy time, but not while a partial trigger is still due.
    const partialPending =
      !progress.decidedAt && view.decision.kind === 'partial' && view.partialAt !== undefined && now < view.partialAt;
    if (now >= endAt && !partialPending) {
      if (progress.decidedAt) {
        day.finishStep(
          step,
          'DONE',
          `${progress.decision}; still missing ${missing.join(', ')} ${formatDuration(now - remedyAt)} after the remedy time`,
          true,
        );
        day.alert('PHASE_DEGRADED', {
          step,
          message: `${day.state.gameDate} ${step.cycle}: phase 3 ended at ${of}, missing ${missing.join(', ')} (${progress.decision})`,
        });
        return;
      }
      if (step.status !== 'STUCK') {
        const critical =
          view.decision.kind === 'insufficient' && view.decision.missingCritical.length
            ? `; missing critical ${view.decision.missingCritical.join(', ')}`
            : '';
        step.status = 'STUCK';
        step.error = `${of} complete ${formatDuration(now - remedyAt)} after the remedy time${critical}`;
        day.alert('STEP_STUCK', {
          step,
          message: `${day.state.gameDate} ${step.cycle}: phase 3 is stuck at ${of} (missing ${missing.join(', ')})${critical}`,
          fixCommand: day.fix(4, 'phase 3 stuck', ' --skip-gates'),
        });
      }
    }
    const wakeAt = [
      !progress.decidedAt && view.decision.kind === 'partial' ? view.partialAt : undefined,
      remedyAt,
      endAt,
    ]
      .filter((t): t is number => t !== undefined && t > now)
      .sort((a, b) => a - b)[0];
    const waitingFor = progress.decidedAt
      ? `${missing.join(', ')} (phase 4 may go: ${progress.decision})`
      : view.decision.kind === 'partial' && view.partialAt !== undefined
        ? `${of} complete; the partial trigger at ${formatTimeET(view.partialAt, day.settings.timeZone)}`
        : `${missing.join(', ')} (${of} complete)`;
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
    if (step.phase3) Object.assign(step.phase3, { remedyTriggeredAt: iso(day.now()), remedyProcessors: missing });
    day.markTriggered(step, `not in by ${step.time.slice(-5)}: ran ${missing.join(', ')} as a remedy`);
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
