/**
 * A platform service answering 401/403 refuses Gameday's identity (failure mode 9: a redeploy stripped the
 * invoker rights), not the request: no retry policy can fix it, and nothing in the workflow can either. The step
 * alerts at once, then tries again on a durable timer until its cycle ends, so restoring the rights is the whole
 * fix (an operator's force tries at once).
 */
import { patched } from '@temporalio/workflow';
import type { StepState } from '../../contracts/state';
import { formatDuration, formatTimeET } from '../../domain/dates';
import type { Day } from '../day/day';

/** Runs that met a 403 before this patch wait for an operator, as they did; their histories replay unchanged. */
export const RECHECK_FORBIDDEN_PATCH = 'recheck-after-403';

/** Waits for the next try; false when none fits before the cycle ends (the step then fails as any other). */
export async function waitForInvokerRights(
  day: Day,
  step: StepState,
  service: string,
  processors: string[],
): Promise<boolean> {
  const every = day.settings.forbiddenRecheckMs;
  if (!every || !patched(RECHECK_FORBIDDEN_PATCH)) return false;
  const next = day.now() + every;
  if (next >= Date.parse(day.state.cycles[step.cycle].endsAt)) return false;
  const at = formatTimeET(next, day.settings.timeZone);
  step.error = `the ${service} service refuses Gameday's calls (401/403) for ${processors.join(', ')}; next try at ${at}`;
  day.alert('PERMISSION_DENIED', {
    step,
    message:
      `${day.state.gameDate} ${step.cycle}: the ${service} service answers 401/403 to Gameday (its invoker rights?): ` +
      `${processors.join(', ')} not run. Grant the worker's service account roles/run.invoker on it; Gameday tries ` +
      `again every ${formatDuration(every)} until the cycle ends`,
    fixCommand: day.fix(step.phase, 'invoker rights restored'),
  });
  await day.wait(
    step,
    `invoker rights on the ${service} service (401/403); next try at ${at}`,
    next,
    () => false,
    'BLOCKED',
  );
  return true;
}
