/** Terminal rendering of a date's day: cycles, steps, what phase 3 and 4 saw, predictions, messages, alerts. */
import { refusedPushes, type BridgeStatsView } from '../bridge/stats';
import type { DayState, OperatorAction, StepState } from '../contracts/state';
import { CYCLE_LABELS } from '../domain/cycles';
import { formatDuration, formatTimeET } from '../domain/dates';
import { degradedSteps, isStepFinished, stepLine, summaryLine } from '../domain/day-summary';
import { effectiveStatus, type DateRun } from './pipeline';

export const time = (iso: string | undefined, timeZone?: string): string => (iso ? formatTimeET(iso, timeZone) : '-');

/** How long from one instant to another (or to now), e.g. "12 min". */
export function duration(fromIso?: string, toIso?: string): string {
  if (!fromIso) return '-';
  return formatDuration(Math.max(0, (toIso ? Date.parse(toIso) : Date.now()) - Date.parse(fromIso)));
}

function stepDetails(step: StepState, state: DayState, timeZone?: string): string[] {
  const lines: string[] = [];
  if (step.phase3) {
    const p = step.phase3;
    const countFrom = Date.parse(state.cycles[step.cycle].countFrom);
    for (const name of p.expected) {
      const runs = (state.processors[`3:${name}`]?.runs ?? [])
        .filter((r) => r.status === 'success' || r.status === 'partial')
        .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
      const complete = p.complete.includes(name);
      // The run this cycle counted: its first since the cycle's window opened, or (carried over) the latest before.
      const counted = complete
        ? (runs.find((r) => Date.parse(r.at) >= countFrom) ?? runs.filter((r) => Date.parse(r.at) < countFrom).at(-1))
        : undefined;
      const mark = complete ? 'complete' : 'MISSING';
      const extra = counted
        ? ` (${time(counted.at, timeZone)}${counted.recordCount !== undefined ? `, ${counted.recordCount} records` : ''})`
        : '';
      lines.push(`      ${name}: ${mark}${p.critical.includes(name) ? ' [critical]' : ''}${extra}`);
    }
    if (p.decision) lines.push(`      3 -> 4: ${p.decision}`);
    if (p.remedyTriggeredAt)
      lines.push(
        `      remedy at ${time(p.remedyTriggeredAt, timeZone)}: ran ${(p.remedyProcessors ?? []).join(', ')}`,
      );
  }
  if (step.precompute?.length) {
    lines.push(
      `      ${step.precompute.map((r) => `${r.processor} ${r.status}${r.recordCount !== undefined ? ` (${r.recordCount})` : ''}`).join(', ')}`,
    );
  }
  if (step.phase4?.decision && !isStepFinished(step)) lines.push(`      4 -> 5: ${step.phase4.decision}`);
  if (step.batch?.batchId) {
    const b = step.batch;
    lines.push(
      `      batch ${b.batchId}${b.completionPct !== undefined ? `: ${b.completionPct}%` : ''}${b.completedPlayers !== undefined ? ` (${b.completedPlayers}/${b.expectedPlayers ?? '?'} players)` : ''}`,
    );
  }
  if (step.gate && step.gate.status !== 'PASSED')
    lines.push(`      data gate ${step.gate.status}: ${step.gate.reason ?? ''}`);
  return lines;
}

export function renderState(run: DateRun, uiLink: string, timeZone?: string, bridge?: BridgeStatsView): string[] {
  const lines: string[] = [];
  const state = run.state;
  const status = effectiveStatus(run);
  const games = state?.gamesScheduled !== undefined ? ` · ${state.gamesScheduled} games` : '';
  const cycle = state?.cycle ?? run.searchAttributes.cycle;
  const degraded = state ? degradedSteps(state).length : 0;
  const degradedNote = degraded ? ` (${degraded} step${degraded > 1 ? 's' : ''} degraded)` : '';
  lines.push(`Day of ${run.gameDate}${games}${cycle ? ` · cycle ${cycle}` : ''} · ${status}${degradedNote}`);
  if (run.executionStatus !== 'RUNNING')
    lines.push(`Workflow: ${run.executionStatus.toLowerCase()} (run ${run.runId})`);
  if (run.failure) lines.push(`Failure: ${run.failure}`);
  if (run.warning) lines.push(`Warning: ${run.warning}`);
  if (state) {
    lines.push(`Now: ${summaryLine(state, timeZone)}`);
    const p = state.predictions;
    const rows = p.activeRows !== undefined ? `, ${p.activeRows} active rows` : '';
    lines.push(
      `Predictions: ${p.ready ? `ready since ${time(p.readyAt, timeZone)} (batch ${p.batchId ?? '?'}${p.completionPct !== undefined ? `, ${p.completionPct}%` : ''}${rows})` : 'not ready'}`,
    );
    for (const c of Object.values(state.cycles)) {
      lines.push('', `${CYCLE_LABELS[c.cycle]}: ${c.status}${c.note ? ` (${c.note})` : ''}`);
      if (c.status === 'SKIPPED') continue;
      for (const step of c.steps) {
        lines.push(`  ${stepLine(step, timeZone)}${step.degraded ? ' [degraded]' : ''}`);
        if (step.status !== 'PENDING' && step.status !== 'SKIPPED') lines.push(...stepDetails(step, state, timeZone));
      }
    }
    const m = state.messages;
    const reasons = Object.entries(m.byReason)
      .map(([code, n]) => `${code} ${n}`)
      .join(', ');
    lines.push(
      '',
      `Messages: ${m.received} received, ${m.counted} counted, ${m.duplicates} duplicates, ${m.ignored} ignored, ${m.unusable} unusable${reasons ? ` (${reasons})` : ''}`,
    );
    for (const sample of m.recent.slice(-3))
      lines.push(`  ${time(sample.receivedAt, timeZone)} ${sample.code}: ${sample.reason}`);
    lines.push('');
    if (state.alerts.length) {
      lines.push(`Alerts (${state.alerts.length}):`);
      for (const a of state.alerts) {
        lines.push(`  ! ${a.kind}${a.cycle ? ` ${a.cycle}` : ''} at ${time(a.raisedAt, timeZone)}: ${a.message}`);
        if (a.fixCommand) lines.push(`    fix: ${a.fixCommand}`);
      }
    } else {
      lines.push('Alerts: none');
    }
    if (state.operatorActions.length) {
      lines.push('Operator actions:');
      for (const a of state.operatorActions) lines.push(`  ${operatorActionLine(a, timeZone)}`);
    }
  }
  if (bridge) {
    const unusable = bridge.byOutcome.unusable ?? 0;
    const ignored = bridge.byOutcome.ignored ?? 0;
    lines.push(
      `Bridge (since ${time(bridge.since, timeZone)}): ${bridge.received} pushes, ${unusable} unusable and ${ignored} ignored acknowledged`,
    );
    const refused = refusedPushes(bridge);
    if (refused) lines.push(`  ${refused.stillRefusing ? 'REFUSING PUSHES' : 'refused pushes'}: ${refused.text}`);
  }
  lines.push(`UI: ${uiLink}`);
  return lines;
}

export function operatorActionLine(a: OperatorAction, timeZone?: string): string {
  const what = a.action === 'forcePhase' ? `forced phase ${a.phase}${a.skipGates ? ' (gates skipped)' : ''}` : a.action;
  return `${time(a.at, timeZone)} ${a.user} ${what}${a.cycle ? ` (${a.cycle})` : ''}: ${a.reason}${a.outcome ? ` -> ${a.outcome}` : ''}`;
}

/** The predictions column of the dashboard. */
export function predictionsSummary(state: DayState | undefined): string {
  if (!state) return '?';
  if (state.status === 'NO_GAMES') return '-';
  const p = state.predictions;
  return p.ready ? `ready${p.completionPct !== undefined ? ` ${p.completionPct}%` : ''}` : 'none';
}
