/**
 * The day's metrics, derived from its state each time the state is shown: a step's duration when it ends, each
 * trigger with its reason, each alert, each failing gate check. Through the workflow's meter, which emits nothing
 * on replay, so a replayed history neither double-counts nor changes a command. Whatever the run carried over
 * (continue-as-new) was counted by the run before and is only remembered here.
 */
import type { MetricCounter, MetricHistogram } from '@temporalio/common';
import { metricMeter } from '@temporalio/workflow';
import type { DayState, StepState } from '../../contracts/state';
import { FINISHED_STEP_STATUSES } from '../../contracts/state';
import { GAMEDAY_METRICS } from '../../contracts/metrics';

export class DayMetrics {
  private readonly phaseDuration: MetricHistogram;
  private readonly triggers: MetricCounter;
  private readonly alerts: MetricCounter;
  private readonly gateFailures: MetricCounter;
  private readonly seen = new Set<string>();

  constructor(state: DayState) {
    this.phaseDuration = metricMeter.createHistogram(GAMEDAY_METRICS.phaseDuration, 'float', 's');
    this.triggers = metricMeter.createCounter(GAMEDAY_METRICS.triggers);
    this.alerts = metricMeter.createCounter(GAMEDAY_METRICS.alerts);
    this.gateFailures = metricMeter.createCounter(GAMEDAY_METRICS.gateFailures);
    for (const key of observations(state)) this.seen.add(key.id);
  }

  observe(state: DayState): void {
    for (const observation of observations(state)) {
      if (this.seen.has(observation.id)) continue;
      this.seen.add(observation.id);
      observation.emit(this);
    }
  }

  record = {
    duration: (step: StepState, seconds: number) =>
      this.phaseDuration.record(seconds, {
        phase: String(step.phase),
        cycle: step.cycle,
        kind: step.kind,
        status: step.status,
      }),
    trigger: (step: StepState, reason: string) =>
      this.triggers.add(1, { phase: String(step.phase), kind: step.kind, reason }),
    alert: (kind: string, phase: string) => this.alerts.add(1, { kind, phase }),
    gateFailure: (step: StepState) => this.gateFailures.add(1, { phase: String(step.phase), kind: step.kind }),
  };
}

interface Observation {
  /** Unique per event, stable across runs: an event is counted once in the day. */
  id: string;
  emit(metrics: DayMetrics): void;
}

function* observations(state: DayState): Generator<Observation> {
  for (const cycle of Object.values(state.cycles)) {
    const phase3Decision = cycle.steps.find((s) => s.kind === 'phase3')?.phase3?.decision ?? '';
    for (const step of cycle.steps) {
      if (FINISHED_STEP_STATUSES.includes(step.status) && step.startedAt && step.finishedAt) {
        const seconds = Math.max(0, (Date.parse(step.finishedAt) - Date.parse(step.startedAt)) / 1000);
        yield { id: `end:${step.id}:${step.restarts}`, emit: (m) => m.record.duration(step, seconds) };
      }
      if (step.triggeredAt) {
        yield {
          id: `trigger:${step.id}:${step.restarts}:${step.triggeredAt}`,
          emit: (m) => m.record.trigger(step, triggerReason(step, phase3Decision)),
        };
      }
      // A failed check sets the gate's next check time (a passing one clears it): one failure per value seen.
      if (step.gate?.status === 'BLOCKED' && step.gate.nextCheckAt) {
        yield { id: `gate:${step.id}:${step.gate.nextCheckAt}`, emit: (m) => m.record.gateFailure(step) };
      }
    }
  }
  for (const alert of state.alerts) {
    yield { id: `alert:${alert.key}`, emit: (m) => m.record.alert(alert.kind, alert.phase ? String(alert.phase) : '') };
  }
}

function triggerReason(step: StepState, phase3Decision: string): string {
  if (step.restarts > 0) return 'forced';
  if (step.kind === 'phase3') return 'remedy';
  if (step.kind === 'phase4' && phase3Decision.startsWith('partial trigger')) return 'partial_trigger';
  return 'scheduled';
}
