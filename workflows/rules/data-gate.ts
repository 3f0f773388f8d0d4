/**
 * The data gate in front of a trigger (phases 4-6): warehouse checks with the numbers they saw. A failing gate
 * leaves the step BLOCKED, is checked again on a durable timer, alerts once the SLA has passed, and never lets the
 * step count as triggered. An operator's force with `skipGates` passes it, recorded.
 */
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import type { DataGateRequest, DataGateResult } from '../../activities';
import type { GateState, StepState } from '../../contracts/state';
import type { AppliedForce, Day } from '../day/day';
import { phaseColumn } from '../day/day';
import { iso } from '../day/record';
import { formatDuration } from '../../domain/dates';
import { failingChecks } from '../../domain/gates';
import type { PhaseNumber } from '../../domain/phases';
import type { GateCheckResult } from '../../contracts/state';
import { gateActivity } from '../activity-proxies';
import { failureText } from './errors';

export type GateOutcome = 'passed' | 'expired';

/** Phase 4's gate rides with its first `/process-date` (one activity) in runs that started with this. */
export const GATE_WITH_FIRST_CALL_PATCH = 'gate-with-first-call';

/** What a gate check answered: its result, or why its query failed. */
export interface GateAnswer {
  gate?: DataGateResult;
  gateQueryFailed?: string;
}

export async function passDataGate(
  day: Day,
  step: StepState,
  force: AppliedForce | undefined,
  options: { until?: number; phase?: PhaseNumber } = {},
): Promise<GateOutcome> {
  if (force?.request.skipGates) {
    skipGate(day, step, force);
    return 'passed';
  }
  for (;;) {
    const checkedAt = beginGateCheck(step, day.now());
    let answer: GateAnswer;
    try {
      answer = {
        gate: await day.books.holding(() =>
          gateActivity.checkDataGate.executeWithOptions({ summary: `data gate before ${step.label}` }, [
            gateRequest(day, step, options.phase),
          ]),
        ),
      };
    } catch (err) {
      answer = { gateQueryFailed: failureText(err) };
    }
    if (recordGateAnswer(day, step, checkedAt, answer) === 'passed') return 'passed';
    if ((await awaitGateRecheck(day, step, options)) === 'expired') return 'expired';
  }
}

/**
 * A call that carries its step's data gate (phase 4's first `/process-date`): made again after each blocked check,
 * on the gate's timer, until the gate lets it out; its result then. A failure of the call itself (an activity
 * failure raised by the call, which only runs once the gate passed) records the gate as passed and is rethrown.
 */
export async function callBehindDataGate<R>(
  day: Day,
  step: StepState,
  call: (gate: DataGateRequest) => Promise<GateAnswer & { result?: R }>,
): Promise<R> {
  // An earlier call's failure (one that left the gate unknown) stays the step's error when the gate passes now.
  const earlierError = step.error;
  for (;;) {
    const checkedAt = beginGateCheck(step, day.now());
    let answer: GateAnswer & { result?: R };
    try {
      answer = await call(gateRequest(day, step));
    } catch (err) {
      if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) {
        recordGateAnswer(day, step, checkedAt, { gate: { ...gateRequest(day, step), ...PASSED_BEFORE_THE_CALL } });
      }
      throw err;
    }
    // The activity makes the call whenever the gate passes (or guards nothing), so a passed gate has its result.
    if (recordGateAnswer(day, step, checkedAt, answer) === 'passed') {
      step.error ??= earlierError;
      return answer.result as R;
    }
    await awaitGateRecheck(day, step, {});
  }
}

/** Recorded when the call behind the gate failed: the gate had let it out, its checks are not known here. */
const PASSED_BEFORE_THE_CALL = { enabled: true, passed: true, checks: [], recheckAfterMs: 0 };

/** The gate of the step's own phase, or of `phase` (the deadline checks the predictions table: phase 6's gate). */
function gateRequest(day: Day, step: StepState, phase: PhaseNumber = step.phase): DataGateRequest {
  return { gameDate: day.state.gameDate, phase, mode: step.cycle };
}

function skipGate(day: Day, step: StepState, force: AppliedForce): void {
  step.gate = {
    ...(step.gate ?? { attempts: 0, checks: [] }),
    status: 'SKIPPED',
    reason: `skipped by ${force.user}: ${force.request.reason}`,
  };
  day.log({
    executionId: `${day.state.runId}:${step.id}:gate:skipped:${step.restarts}`,
    processorName: 'data_gate',
    phase: phaseColumn(step.phase),
    triggeredAt: iso(day.now()),
    status: 'gate_skipped',
    triggerSource: `operator:${force.user}`,
    errorMessage: step.gate.reason,
  });
}

function beginGateCheck(step: StepState, checkedAt: number): number {
  const gate = (step.gate ??= { status: 'CHECKING', attempts: 0, checks: [] });
  gate.attempts += 1;
  gate.firstCheckedAt ??= iso(checkedAt);
  gate.lastCheckedAt = iso(checkedAt);
  return checkedAt;
}

/** The step's gate after one check: its checks logged, PASSED or BLOCKED (alerted once the SLA has passed). */
function recordGateAnswer(day: Day, step: StepState, checkedAt: number, answer: GateAnswer): 'passed' | 'blocked' {
  const gate = step.gate as GateState;
  if (answer.gate && !answer.gate.enabled) {
    step.gate = undefined;
    return 'passed';
  }
  const checks: GateCheckResult[] = answer.gate?.checks ?? [
    {
      check: 'warehouse',
      passed: false,
      observed: 0,
      required: 1,
      reason: `gate query failed: ${answer.gateQueryFailed}`,
    },
  ];
  gate.checks = checks;
  const failing = failingChecks(checks);
  day.log({
    executionId: `${day.state.runId}:${step.id}:gate:${gate.attempts}`,
    processorName: 'data_gate',
    phase: phaseColumn(step.phase),
    triggeredAt: iso(checkedAt),
    completedAt: iso(day.now()),
    status: failing.length ? 'gate_blocked' : 'gate_passed',
    triggerSource: 'gameday',
    recordsProcessed: failing[0]?.observed,
    errorMessage: failing.length ? failing.map((c) => `${c.check}: ${c.reason}`).join('; ') : undefined,
  });
  if (failing.length === 0) {
    Object.assign(gate, { status: 'PASSED', reason: undefined, nextCheckAt: undefined, passedAt: iso(day.now()) });
    step.error = undefined;
    return 'passed';
  }
  gate.status = 'BLOCKED';
  gate.reason = failing.map((c) => c.reason).join('; ');
  step.error = `data gate: ${failing.map((c) => `${c.check}: ${c.reason}`).join('; ')}`;
  const firstAt = Date.parse(gate.firstCheckedAt as string);
  if (day.now() >= firstAt + day.settings.slaMs[step.phase]) {
    day.alert('GATE_FAILED', {
      step,
      message: `${day.state.gameDate}: ${step.label} is blocked by its data gate for ${formatDuration(day.now() - firstAt)}: ${gate.reason}`,
      fixCommand: day.fix(step.phase, 'data gate', ' --skip-gates'),
    });
  }
  return 'blocked';
}

/** A blocked gate waits for its next check, its SLA alert, or the caller's deadline, whichever comes first. */
async function awaitGateRecheck(
  day: Day,
  step: StepState,
  options: { until?: number },
): Promise<'recheck' | 'expired'> {
  const gate = step.gate as GateState;
  const firstAt = Date.parse(gate.firstCheckedAt as string);
  const slaAt = firstAt + day.settings.slaMs[step.phase];
  const nextCheck = day.now() + day.settings.gateRecheckMs;
  const alertAt = slaAt > day.now() ? slaAt : Infinity;
  const wakeAt = Math.min(nextCheck, alertAt, options.until ?? Infinity);
  gate.nextCheckAt = iso(nextCheck);
  await day.wait(step, `its data gate (${gate.reason})`, wakeAt, () => false, 'BLOCKED');
  return options.until !== undefined && day.now() >= options.until ? 'expired' : 'recheck';
}
