/**
 * Data gates and the execution log, on the workflow side (deterministic: durable timers, no I/O).
 *
 * A gate runs before a phase's trigger (phases 4-6). A failing gate leaves the phase BLOCKED with the
 * failing check and its numbers, is checked again on a durable timer, raises one GATE_FAILED alert once
 * the phase's SLA has passed, and never marks the phase triggered. A `forcePhase` with `skipGates` for the
 * phase lets it through, recorded on the gate.
 */
import { ActivityFailure, condition, isCancellation, log } from '@temporalio/workflow';
import type { ExecutionLogEvent } from '../activities';
import { formatDuration } from '../domain/dates';
import { PHASE_NAMES, phaseLabel, type PhaseNumber } from '../domain/phases';
import type { AlertRecord, GateCheckResult, GateState, PhaseStatus, PipelineState } from '../domain/pipeline-state';
import { executionLogActivity, gateActivity } from './activity-proxies';

/** What the gate needs from the pipeline run. */
export interface GateHost {
  state: PipelineState;
  executionLog: ExecutionLog;
  slaMs(phase: PhaseNumber): number;
  /** True while an operator's force waits to be applied. */
  forceRequested(): boolean;
  setPhaseStatus(phase: PhaseNumber, status: PhaseStatus): void;
  alert(kind: AlertRecord['kind'], phase: PhaseNumber, message: string, fixCommand?: string): Promise<void>;
  forceCommand(phase: PhaseNumber, why: string): string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The latest force aimed at this phase asked to skip its gates. */
function skipRequest(state: PipelineState, phase: PhaseNumber) {
  const actions = state.operatorActions.filter((a) => a.action === 'forcePhase' && a.phase === phase);
  const last = actions[actions.length - 1];
  return last?.skipGates ? last : undefined;
}

/**
 * Waits until the phase's data gate passes (or there is none), an operator skips it, or an operator's
 * force is pending (`forced`: the caller applies it).
 */
export async function awaitDataGate(host: GateHost, phase: PhaseNumber): Promise<'passed' | 'forced'> {
  const { state } = host;
  const phaseState = state.phases[phase];
  const phaseName = `phase_${phase}_${PHASE_NAMES[phase]}`;
  for (;;) {
    if (host.forceRequested()) return 'forced';
    const gate: GateState = (phaseState.gate ??= { status: 'CHECKING', attempts: 0, checks: [] });
    const skip = skipRequest(state, phase);
    if (skip) {
      if (gate.status !== 'SKIPPED') {
        gate.status = 'SKIPPED';
        gate.reason = `skipped by ${skip.user}: ${skip.reason}`;
        gate.nextCheckAt = undefined;
        phaseState.error = undefined;
        host.executionLog.record({
          executionId: `${state.workflowId}:${phaseName}:gate:skipped:${skip.at}`,
          processorName: 'data_gate',
          phase: phaseName,
          triggeredAt: skip.at,
          completedAt: iso(Date.now()),
          status: 'gate_skipped',
          dataDate: state.gameDate,
          triggerSource: `operator:${skip.user}`,
          correlationId: state.workflowId,
          errorMessage: gate.reason,
        });
      }
      return 'passed';
    }

    const checkedAt = Date.now();
    gate.attempts += 1;
    gate.firstCheckedAt ??= iso(checkedAt);
    gate.lastCheckedAt = iso(checkedAt);
    let checks: GateCheckResult[];
    let enabled = true;
    let recheckAfterMs = 5 * 60_000;
    try {
      const result = await gateActivity.checkDataGate({ gameDate: state.gameDate, phase, mode: state.mode });
      checks = result.checks;
      enabled = result.enabled;
      recheckAfterMs = result.recheckAfterMs;
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      const cause = err.cause instanceof Error ? err.cause.message : err.message;
      checks = [{ check: 'warehouse', passed: false, observed: 0, required: 1, reason: `gate query failed: ${cause}` }];
    }
    if (!enabled) {
      // No gate guards this phase: nothing to record.
      phaseState.gate = undefined;
      return 'passed';
    }
    gate.checks = checks;
    const failing = checks.filter((c) => !c.passed);
    host.executionLog.record({
      executionId: `${state.workflowId}:${phaseName}:gate:${gate.attempts}`,
      processorName: 'data_gate',
      phase: phaseName,
      triggeredAt: iso(checkedAt),
      completedAt: iso(Date.now()),
      status: failing.length ? 'gate_blocked' : 'gate_passed',
      dataDate: state.gameDate,
      triggerSource: 'gameday',
      correlationId: state.workflowId,
      recordsProcessed: failing[0]?.observed,
      errorMessage: failing.length ? failing.map((c) => `${c.check}: ${c.reason}`).join('; ') : undefined,
    });
    if (failing.length === 0) {
      gate.status = 'PASSED';
      gate.reason = undefined;
      gate.nextCheckAt = undefined;
      gate.passedAt = iso(Date.now());
      if (phaseState.status === 'BLOCKED') {
        phaseState.error = undefined;
        host.setPhaseStatus(phase, phase <= 3 ? 'WAITING' : 'RUNNING');
      }
      return 'passed';
    }

    gate.status = 'BLOCKED';
    gate.reason = failing.map((c) => c.reason).join('; ');
    phaseState.error = `data gate: ${failing.map((c) => `${c.check}: ${c.reason}`).join('; ')}`;
    host.setPhaseStatus(phase, 'BLOCKED');

    const slaAt = Date.parse(gate.firstCheckedAt) + host.slaMs(phase);
    const nextAt = Date.now() + recheckAfterMs;
    gate.nextCheckAt = iso(nextAt);
    for (;;) {
      if (Date.now() >= slaAt) {
        await host.alert(
          'GATE_FAILED',
          phase,
          `${phaseLabel(phase)} of ${state.gameDate} is blocked by its data gate after ${formatDuration(Date.now() - Date.parse(gate.firstCheckedAt))} (SLA ${formatDuration(host.slaMs(phase))}): ${gate.reason}`,
          `${host.forceCommand(phase, 'data gate')} --skip-gates`,
        );
      }
      const alerted = state.alerts.some((a) => a.kind === 'GATE_FAILED' && a.phase === phase);
      const wakeAt = alerted || slaAt >= nextAt ? nextAt : slaAt;
      const forced = await condition(() => host.forceRequested(), Math.max(1, wakeAt - Date.now()));
      if (forced) return 'forced';
      if (Date.now() >= nextAt) break;
    }
  }
}

/**
 * The pipeline's rows of `processor_execution_log`. Events are derived from the state (triggers, processor
 * completions, phase outcomes, forces, alerts) or recorded directly (gate results), each under a
 * deterministic key, and written in batches by a background loop; the activity's MERGE makes retries harmless.
 */
export class ExecutionLog {
  private readonly emitted = new Set<string>();
  private readonly queue: ExecutionLogEvent[] = [];
  private writing = false;

  constructor(private readonly state: PipelineState) {}

  record(event: ExecutionLogEvent): void {
    if (this.emitted.has(event.executionId)) return;
    this.emitted.add(event.executionId);
    this.queue.push(event);
  }

  /** Writes batches until the workflow ends (or is cancelled); start once with `void log.run()`. */
  async run(): Promise<void> {
    try {
      await this.writeBatches();
    } catch (err) {
      // A cancelled workflow ends here; anything else is a bug worth failing the workflow task for.
      if (!isCancellation(err)) throw err;
    }
  }

  private async writeBatches(): Promise<void> {
    for (;;) {
      await condition(() => {
        this.collect();
        return this.queue.length > 0;
      });
      const batch = this.queue.splice(0);
      this.writing = true;
      try {
        await executionLogActivity.writeExecutionLog(batch);
      } catch (err) {
        log.error('execution log write failed; rows dropped', {
          rows: batch.length,
          error: err instanceof Error ? err.message : String(err),
        });
      } finally {
        this.writing = false;
      }
    }
  }

  /** Resolves once every event so far is written (or given up on). */
  async settled(): Promise<void> {
    await condition(() => {
      this.collect();
      return this.queue.length === 0 && !this.writing;
    });
  }

  /** Adds an event for everything in the state not logged yet. */
  private collect(): void {
    const { state } = this;
    const base = { dataDate: state.gameDate, correlationId: state.workflowId };
    for (const phaseState of Object.values(state.phases)) {
      const phase = `phase_${phaseState.phase}_${PHASE_NAMES[phaseState.phase]}`;
      const key = `${state.workflowId}:${phase}`;
      if (phaseState.triggeredAt) {
        this.record({
          ...base,
          executionId: `${key}:trigger`,
          processorName: 'gameday',
          phase,
          triggeredAt: phaseState.triggeredAt,
          status: 'triggered',
          triggerSource: 'gameday',
        });
      }
      for (const [name, processor] of Object.entries(phaseState.processors)) {
        if (processor.status === 'PENDING') continue;
        const at = processor.completedAt ?? phaseState.triggeredAt ?? phaseState.startedAt ?? state.startedAt;
        this.record({
          ...base,
          executionId: processor.executionId ?? `${key}:${name}:${processor.status.toLowerCase()}`,
          processorName: name,
          phase,
          triggeredAt: at,
          completedAt: processor.completedAt,
          status: processor.messageStatus ?? processor.status.toLowerCase(),
          triggerSource: processor.executionId ? 'pubsub' : 'gameday',
          recordsProcessed: processor.recordCount,
          errorMessage: processor.error,
        });
      }
      if (phaseState.status === 'COMPLETE' || phaseState.status === 'SKIPPED' || phaseState.status === 'FAILED') {
        const status = phaseState.status.toLowerCase();
        const attempt = phaseState.status === 'FAILED' ? `:${phaseState.startedAt ?? ''}` : '';
        this.record({
          ...base,
          executionId: `${key}:${status}${attempt}`,
          processorName: 'gameday',
          phase,
          triggeredAt: phaseState.triggeredAt ?? phaseState.startedAt ?? phaseState.completedAt ?? state.startedAt,
          completedAt: phaseState.completedAt,
          status: phaseState.degraded && status === 'complete' ? 'complete_degraded' : status,
          triggerSource: 'gameday',
          errorMessage: phaseState.status === 'FAILED' ? phaseState.error : phaseState.completedReason,
        });
      }
    }
    state.operatorActions.forEach((action, i) => {
      this.record({
        ...base,
        executionId: `${state.workflowId}:force:${i}`,
        processorName: 'operator',
        phase: `phase_${action.phase}_${PHASE_NAMES[action.phase]}`,
        triggeredAt: action.at,
        status: action.skipGates ? 'forced_skip_gates' : 'forced',
        triggerSource: `operator:${action.user}`,
        errorMessage: action.reason,
      });
    });
    for (const alert of state.alerts) {
      this.record({
        ...base,
        executionId: alert.key,
        processorName: 'gameday_alert',
        phase: alert.phase ? `phase_${alert.phase}_${PHASE_NAMES[alert.phase]}` : 'pipeline',
        triggeredAt: alert.raisedAt,
        status: `alert_${alert.kind.toLowerCase()}`,
        triggerSource: 'gameday',
        errorMessage: alert.message,
      });
    }
  }
}
