/**
 * The data gate in front of a trigger (phases 4-6): warehouse checks with the numbers they saw. A failing gate
 * leaves the step BLOCKED, is checked again on a durable timer, alerts once the SLA has passed, and never lets the
 * step count as triggered. An operator's force with `skipGates` passes it, recorded.
 */
import type { StepState } from '../../contracts/state';
import type { AppliedForce, Day } from '../day/day';
import { phaseColumn } from '../day/day';
import { iso } from '../day/record';
import { formatDuration } from '../../domain/dates';
import type { GateCheckResult } from '../../contracts/state';
import { gateActivity } from '../activity-proxies';
import { failureText } from './errors';

export type GateOutcome = 'passed' | 'expired';

export async function passDataGate(
  day: Day,
  step: StepState,
  force: AppliedForce | undefined,
  options: { until?: number } = {},
): Promise<GateOutcome> {
  if (force?.request.skipGates) {
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
    return 'passed';
  }
  const slaMs = day.settings.slaMs[step.phase];
  for (;;) {
    const gate = (step.gate ??= { status: 'CHECKING', attempts: 0, checks: [] });
    const checkedAt = day.now();
    gate.attempts += 1;
    gate.firstCheckedAt ??= iso(checkedAt);
    gate.lastCheckedAt = iso(checkedAt);
    let checks: GateCheckResult[];
    try {
      const result = await day.books.holding(() =>
        gateActivity.checkDataGate.executeWithOptions({ summary: `data gate before ${step.label}` }, [
          { gameDate: day.state.gameDate, phase: step.phase, mode: step.cycle },
        ]),
      );
      if (!result.enabled) {
        step.gate = undefined;
        return 'passed';
      }
      checks = result.checks;
    } catch (err) {
      checks = [
        {
          check: 'warehouse',
          passed: false,
          observed: 0,
          required: 1,
          reason: `gate query failed: ${failureText(err)}`,
        },
      ];
    }
    gate.checks = checks;
    const failing = checks.filter((c) => !c.passed);
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
    const firstAt = Date.parse(gate.firstCheckedAt);
    if (day.now() >= firstAt + slaMs) {
      day.alert('GATE_FAILED', {
        step,
        message: `${day.state.gameDate}: ${step.label} is blocked by its data gate for ${formatDuration(day.now() - firstAt)}: ${gate.reason}`,
        fixCommand: day.fix(step.phase, 'data gate', ' --skip-gates'),
      });
    }
    const nextCheck = day.now() + day.settings.gateRecheckMs;
    const alertAt = firstAt + slaMs > day.now() ? firstAt + slaMs : Infinity;
    const wakeAt = Math.min(nextCheck, alertAt, options.until ?? Infinity);
    gate.nextCheckAt = iso(nextCheck);
    await day.wait(step, `its data gate (${gate.reason})`, wakeAt, () => false, 'BLOCKED');
    if (options.until !== undefined && day.now() >= options.until) return 'expired';
  }
}
