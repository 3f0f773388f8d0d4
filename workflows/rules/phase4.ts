/**
 * Phase 4 of a cycle, driven by Gameday: the cycle's run of all five processors (one synchronous `/process-date`
 * call each, in dependency order, each result checked) once phase 3 is in, and the feature-store refreshes.
 * tomorrow/same_day run at the configured time once the 3 -> 4 rule holds; overnight recomputes as soon as it
 * holds, and at the configured latest time without it (degraded).
 */
import { patched } from '@temporalio/workflow';
import type { PrecomputeRun } from '../../activities';
import type { PrecomputeResult, StepState } from '../../contracts/state';
import type { Cycle } from '../../domain/cycles';
import { formatDuration, formatTimeET } from '../../domain/dates';
import { isStepFinished } from '../../domain/day-summary';
import type { AppliedForce, Day } from '../day/day';
import { iso, recordRun } from '../day/record';
import { precomputeActivity } from '../activity-proxies';
import { callBehindDataGate, GATE_WITH_FIRST_CALL_PATCH, passDataGate } from './data-gate';
import { failureText, isForbidden } from './errors';
import { waitForInvokerRights } from './forbidden';
import { claimApplies, claimBeforeTrigger } from './legacy-claim';
import { phase3Decided } from './phase3';

const HEARTBEAT_MARGIN_MS = 60_000;

/** A processor call past the phase's SLA makes the step STUCK with an alert (it was RUNNING, silent, for 2 h). */
export const STUCK_WHILE_RUNNING_PATCH = 'phase4-stuck-alert-while-a-call-runs';

/** Phase 4 waiting for phase 3 alerted an SLA after its own time before this, even with phase 3's remedy still due. */
export const STUCK_AFTER_PHASE3_REMEDY_PATCH = 'phase4-stuck-after-phase3-remedy';

export function phase4Track(day: Day, cycle: Cycle): () => Promise<void> {
  const steps = day.state.cycles[cycle].steps.filter((s) => s.kind === 'phase4' || s.kind === 'feature-refresh');
  return () =>
    day.runTrack('phase4', steps, (step, force) =>
      step.kind === 'phase4' ? mainRun(day, step, force) : featureRefresh(day, step, steps, force),
    );
}

/** The cycle's phase-3 remedy time when it is still to come after phase 4's own time (and the patch applies). */
function phase3RemedyAfter(day: Day, step: StepState, dueAt: number): number | undefined {
  const phase3 = day.state.cycles[step.cycle].steps.find((s) => s.kind === 'phase3');
  if (!phase3 || isStepFinished(phase3) || Date.parse(phase3.dueAt) <= dueAt) return undefined;
  return patched(STUCK_AFTER_PHASE3_REMEDY_PATCH) ? Date.parse(phase3.dueAt) : undefined;
}

const hhmm = (ms: number, day: Day) => formatTimeET(ms, day.settings.timeZone);

async function mainRun(day: Day, step: StepState, force: AppliedForce | undefined): Promise<void> {
  // Asked here, long before the trigger: a patch's first use upserts a search attribute, kept off the trigger's task.
  const gateMayRideFirstCall = patched(GATE_WITH_FIRST_CALL_PATCH);
  const watched = patched(STUCK_WHILE_RUNNING_PATCH);
  const overnight = step.cycle === 'overnight';
  // A day started after the overnight recompute's latest time (a backfill) still gives phase 3 an hour.
  const dueAt = overnight ? day.catchUp(Date.parse(step.dueAt), 2 * day.settings.cycleGraceMs) : Date.parse(step.dueAt);
  const phase3Done = () => phase3Decided(day, step.cycle) !== undefined;
  let degraded = false;
  if (!force) {
    if (overnight) {
      const inTime = await day.wait(step, 'phase 3 (the 3 -> 4 rule)', dueAt, phase3Done);
      if (!inTime) {
        degraded = true;
        day.alert('PHASE_DEGRADED', {
          step,
          message: `${day.state.gameDate}: the phase-4 recompute runs at ${step.time} without phase 3 complete`,
        });
      }
    } else {
      await day.wait(step, `its time (${step.time})`, dueAt);
      // A day started after this step's time counts its SLA from its start; phase 3's own remedy (same_day: 07:00,
      // after phase 4's 06:00) gets its chance before an operator is asked to force phase 4 past it.
      const remedyAt = phase3RemedyAfter(day, step, dueAt);
      const stuckAt = Math.max(day.catchUp(dueAt), remedyAt ?? 0) + day.settings.slaMs[4];
      const waitingFor = `phase 3 (the 3 -> 4 rule${remedyAt ? `; its remedy at ${hhmm(remedyAt, day)}` : ''})`;
      if (!(await day.wait(step, waitingFor, stuckAt, phase3Done))) {
        const remedied = remedyAt ? ` and its remedy at ${hhmm(remedyAt, day)}` : '';
        step.error = `phase 3 is not in ${formatDuration(day.now() - dueAt)} after ${step.time}${remedied}`;
        day.alert('STEP_STUCK', {
          step,
          message: `${day.state.gameDate} ${step.cycle}: phase 4 waits for phase 3 (${step.error})`,
          fixCommand: day.fix(4, 'phase 3 stuck', ' --skip-gates'),
        });
        await day.wait(step, 'phase 3 (the 3 -> 4 rule)', undefined, phase3Done, 'STUCK');
        step.error = undefined;
      }
    }
  }
  const phase3 = phase3Decided(day, step.cycle);
  const partial = phase3?.phase3?.decision?.startsWith('partial') || phase3?.degraded;
  degraded ||= Boolean(force) || Boolean(partial);
  if (phase3?.phase3?.decision) step.waitingFor = undefined;
  const because = force
    ? `forced by ${force.user}: ${force.request.reason}`
    : (phase3?.phase3?.decision ?? phase3?.outcome);
  // The gate rides with the first call unless a claim on the legacy document must come between them.
  const gateWithFirstCall = gateMayRideFirstCall && !force?.request.skipGates && !claimApplies(day, step, force);
  if (!gateWithFirstCall) {
    await passDataGate(day, step, force);
    if ((await claimBeforeTrigger(day, step, force)) === 'skip') return;
  }
  await runProcessors(day, step, [], degraded, because, gateWithFirstCall, watched);
}

async function featureRefresh(
  day: Day,
  step: StepState,
  steps: StepState[],
  force: AppliedForce | undefined,
): Promise<void> {
  if (!force) {
    const later = steps.find((s) => s.kind === 'feature-refresh' && s.dueAt > step.dueAt);
    if (later && day.now() >= Date.parse(later.dueAt)) {
      day.finishStep(step, 'SKIPPED', `superseded by ${later.label}`);
      return;
    }
    await day.wait(step, `its time (${step.time})`, Date.parse(step.dueAt));
    const main = steps.find((s) => s.kind === 'phase4');
    if (main && main.status !== 'DONE') {
      day.finishStep(step, 'SKIPPED', `the cycle's main phase-4 run is ${main.status}, not done`);
      return;
    }
  }
  const watched = patched(STUCK_WHILE_RUNNING_PATCH);
  const processors = day.settings.lifecycle.same_day.featureRefresh.processors;
  await runProcessors(day, step, processors, true, undefined, false, watched);
}

/**
 * One `/process-date` per processor, in dependency order; a processor whose dependency failed in this step is
 * skipped. A failed step waits for an operator (`gameday force D --phase 4` reruns what failed), to the cycle's end.
 * With `gated`, the step's data gate rides with the first call that goes out (and the next, if that one failed
 * before the gate was known to pass).
 */
async function runProcessors(
  day: Day,
  step: StepState,
  only: string[],
  skipDependencyCheck: boolean,
  because?: string,
  gated = false,
  watched = false,
): Promise<void> {
  let gatePending = gated;
  const specs = day.settings.precompute.filter((p) => only.length === 0 || only.includes(p.name));
  const results: PrecomputeResult[] = (step.precompute ??= []);
  const ok = (name: string) =>
    results.some((r) => r.processor === name && (r.status === 'success' || r.status === 'partial'));
  const failed: string[] = [];
  const forbidden: string[] = [];
  const skipped: string[] = [];
  for (const spec of specs) {
    if (ok(spec.name)) continue;
    const blockedBy = spec.dependsOn.filter((dep) => failed.includes(dep) || skipped.includes(dep));
    if (blockedBy.length) {
      skipped.push(spec.name);
      continue;
    }
    step.status = 'RUNNING';
    step.waitingFor = `${spec.name} (${specs.filter((s) => ok(s.name)).length}/${specs.length} done)`;
    day.refresh();
    try {
      const run: PrecomputeRun = { ...day.triggerIds(step, spec.name), className: spec.className, skipDependencyCheck };
      const call = gatePending
        ? callBehindDataGate(day, step, (gate) =>
            precomputeActivity.runPrecomputeProcessorBehindGate.executeWithOptions(
              callOptions(day, step, `data gate, then phase 4 ${spec.name}`),
              [{ gate, run }],
            ),
          )
        : precomputeActivity.runPrecomputeProcessor.executeWithOptions(callOptions(day, step, `phase 4 ${spec.name}`), [
            run,
          ]);
      // A call behind the data gate is not watched: a blocked gate has its own alert (GATE_FAILED) after the SLA.
      const result = watched && !gatePending ? await day.alertWhenSlow(step, call, spec.name) : await call;
      gatePending = false;
      const at = iso(day.now());
      const index = results.findIndex((r) => r.processor === spec.name);
      const entry: PrecomputeResult = {
        processor: spec.name,
        status: result.status,
        recordCount: result.recordCount,
        at,
      };
      if (index >= 0) results[index] = entry;
      else results.push(entry);
      recordRun(day.state, 4, spec.name, {
        executionId: result.executionId ?? (step.idempotencyKey as string),
        status: result.status === 'partial' ? 'partial' : 'success',
        at,
        recordCount: result.recordCount,
        source: 'gameday',
        triggerSource: 'gameday',
      });
      if (!step.triggeredAt) {
        day.markTriggered(step, `process-date, one processor at a time${because ? ` (3 -> 4: ${because})` : ''}`);
      }
      day.version += 1;
    } catch (err) {
      const why = failureText(err);
      gatePending &&= step.gate?.status !== 'PASSED';
      failed.push(spec.name);
      if (isForbidden(err)) forbidden.push(spec.name);
      const index = results.findIndex((r) => r.processor === spec.name);
      const entry: PrecomputeResult = { processor: spec.name, status: 'failed', at: iso(day.now()) };
      if (index >= 0) results[index] = entry;
      else results.push(entry);
      step.error = `${spec.name} failed: ${why}`;
    } finally {
      step.waitingFor = undefined;
    }
  }
  const done = specs.filter((s) => ok(s.name)).length;
  if (!failed.length && !skipped.length) {
    const records = results.reduce((sum, r) => sum + (r.recordCount ?? 0), 0);
    const why = because ? `; 3 -> 4: ${because}` : '';
    day.finishStep(
      step,
      'DONE',
      `${done}/${specs.length} precompute processors succeeded (${records} records)${why}`,
      skipDependencyCheck && step.kind === 'phase4',
    );
    return;
  }
  const what = `${failed.join(', ')} failed${skipped.length ? `; ${skipped.join(', ')} skipped (a dependency failed)` : ''}`;
  if (step.kind === 'feature-refresh') {
    day.finishStep(step, 'FAILED', `${what} (the next refresh runs it again)`);
    return;
  }
  if (forbidden.length && (await waitForInvokerRights(day, step, 'precompute', forbidden))) {
    return runProcessors(day, step, only, skipDependencyCheck, because, false, watched);
  }
  step.status = 'FAILED';
  step.error = `${done}/${specs.length} done; ${what}: ${step.error ?? ''}`.trim();
  day.alert('STEP_FAILED', {
    step,
    message: `${day.state.gameDate} ${step.cycle}: phase 4 ${step.error}`,
    fixCommand: day.fix(4, 'retry failed precompute'),
  });
  await day.waitForOperator(step, 'an operator: `gameday force` reruns the failed processors');
}

function callOptions(day: Day, step: StepState, what: string) {
  return {
    summary: `${what} for ${day.state.gameDate} (${step.cycle})`,
    startToCloseTimeout: day.settings.precomputeTimeoutMs + HEARTBEAT_MARGIN_MS,
  };
}
