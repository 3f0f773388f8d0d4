/** Terminal rendering of pipeline state, in the style of the incident analysis' orchestration-state tool. */
import { formatTimeET } from '../domain/dates';
import { PHASES, type PhaseNumber } from '../domain/phases';
import type { PhaseState, PipelineState, ProcessorState } from '../domain/pipeline-state';
import type { DateRun } from './pipeline';
import { effectiveStatus } from './pipeline';

export const time = (iso: string | undefined, timeZone?: string): string => (iso ? formatTimeET(iso, timeZone) : '-');

export function duration(fromIso?: string, toIso?: string): string {
  if (!fromIso) return '-';
  const ms = Math.max(0, (toIso ? Date.parse(toIso) : Date.now()) - Date.parse(fromIso));
  if (ms < 1000) return `${ms}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

const WAITING_PHASE = new Set(['WAITING', 'STUCK', 'RUNNING', 'FAILED', 'BLOCKED']);

function processorLine(name: string, p: ProcessorState, phase: PhaseState, timeZone?: string): string {
  const extras: string[] = [];
  if (p.completedAt) extras.push(time(p.completedAt, timeZone));
  if (p.recordCount !== undefined) extras.push(`${p.recordCount} records`);
  if (p.error) extras.push(p.error);
  const status = p.status === 'PENDING' && WAITING_PHASE.has(phase.status) ? 'MISSING' : p.status;
  return `  - ${name}: ${status}${extras.length ? ` (${extras.join(', ')})` : ''}`;
}

/** "phase 4: waiting for 5/5, partial trigger at 12:35 PM ET" and friends: what the next phase waits for. */
export function triggerLine(state: PipelineState, phase: PhaseNumber, timeZone?: string): string | undefined {
  const current = state.phases[phase];
  const next = state.phases[(phase + 1) as PhaseNumber];
  if (!next) return undefined;
  if (next.triggeredAt || next.startedAt) {
    return `  phase ${phase + 1}: triggered at ${time(next.triggeredAt ?? next.startedAt, timeZone)}${
      next.triggerReason ? ` (${next.triggerReason})` : ''
    }`;
  }
  if (current.status === 'WAITING' || current.status === 'STUCK') {
    const expected = Object.keys(current.processors).length;
    const done = Object.values(current.processors).filter((p) => p.status === 'COMPLETE').length;
    const parts = [`waiting for ${expected}/${expected} (${done} complete)`];
    if (current.partialTriggerAt) parts.push(`partial trigger at ${time(current.partialTriggerAt, timeZone)}`);
    if (current.status === 'STUCK') parts.push('STUCK');
    return `  phase ${phase + 1}: ${parts.join(', ')}`;
  }
  return undefined;
}

function phaseHeader(p: PhaseState, timeZone?: string): string {
  const when =
    p.status === 'COMPLETE'
      ? ` (${time(p.completedAt, timeZone)}, took ${duration(p.startedAt, p.completedAt)})`
      : p.startedAt && p.status !== 'SKIPPED' && p.status !== 'PENDING'
        ? ` since ${time(p.startedAt, timeZone)}`
        : '';
  const flags = p.degraded ? ' [degraded]' : '';
  return `Phase ${p.phase} (${p.name}): ${p.status}${when}${flags}`;
}

export function renderState(run: DateRun, uiLink: string, timeZone?: string): string[] {
  const lines: string[] = [];
  const state = run.state;
  const status = effectiveStatus(run);
  const games = state?.gamesScheduled !== undefined ? ` · ${state.gamesScheduled} games` : '';
  const mode = state?.mode ?? run.searchAttributes.mode;
  lines.push(`Pipeline for ${run.gameDate}${mode ? ` (${mode})` : ''}${games}`);
  const phase = state?.currentPhase ?? run.searchAttributes.phase?.replace('phase', '');
  lines.push(
    `Status: ${status}${phase && status !== 'COMPLETE' && status !== 'NO_GAMES' ? ` at phase ${phase}` : ''}` +
      (run.executionStatus !== 'RUNNING' ? ` (workflow ${run.executionStatus.toLowerCase()})` : ''),
  );
  if (run.failure) lines.push(`Failure: ${run.failure}`);
  if (run.warning) lines.push(`Warning: ${run.warning}`);
  if (state) {
    lines.push('');
    for (const n of PHASES) {
      const p = state.phases[n];
      lines.push(phaseHeader(p, timeZone));
      if (p.status !== 'SKIPPED' || Object.values(p.processors).some((x) => x.status !== 'PENDING')) {
        for (const [name, proc] of Object.entries(p.processors)) lines.push(processorLine(name, proc, p, timeZone));
      }
      if (p.error) lines.push(`  error: ${p.error}`);
      if (p.missingProcessors?.length && p.status === 'COMPLETE') {
        lines.push(`  missing: ${p.missingProcessors.join(', ')}`);
      }
      if (p.details && n === 5) {
        const d = p.details as { batchId?: string; completionPct?: number; completedPlayers?: number };
        if (d.batchId) {
          lines.push(
            `  batch ${d.batchId}${d.completionPct !== undefined ? `: ${d.completionPct}% complete` : ''}${
              d.completedPlayers !== undefined ? ` (${d.completedPlayers} players)` : ''
            }`,
          );
        }
      }
      const trigger = p.status === 'COMPLETE' && n >= 3 ? undefined : triggerLine(state, n, timeZone);
      if (trigger && n <= 3) lines.push(trigger);
    }
    lines.push('');
    if (state.alerts.length) {
      lines.push(`Alerts (${state.alerts.length}):`);
      for (const a of state.alerts) {
        lines.push(`  ! ${a.kind}${a.phase ? ` phase ${a.phase}` : ''} at ${time(a.raisedAt, timeZone)}: ${a.message}`);
        if (a.fixCommand) lines.push(`    fix: ${a.fixCommand}`);
      }
    } else {
      lines.push('Alerts: none');
    }
    if (state.operatorActions.length) {
      lines.push('Operator actions:');
      for (const a of state.operatorActions) lines.push(`  ${operatorActionLine(a, timeZone)}`);
    }
    if (state.rejectedMessages.length) lines.push(`Rejected messages: ${state.rejectedMessages.length}`);
  }
  lines.push(`UI: ${uiLink}`);
  return lines;
}

export function operatorActionLine(a: PipelineState['operatorActions'][number], timeZone?: string): string {
  return `${time(a.at, timeZone)} ${a.user} forced phase ${a.phase}${a.skipGates ? ' (gates skipped)' : ''}: ${a.reason}`;
}

/** The predictions column: completion of the phase-5 batch. */
export function predictionsSummary(state: PipelineState | undefined): string {
  if (!state) return '?';
  const p5 = state.phases[5];
  const d = (p5.details ?? {}) as { completionPct?: number; completedPlayers?: number; expectedPlayers?: number };
  if (d.completionPct !== undefined) {
    const players = d.completedPlayers !== undefined ? ` ${d.completedPlayers}/${d.expectedPlayers ?? '?'}` : '';
    return `${d.completionPct}%${players}`;
  }
  if (p5.status === 'COMPLETE') return 'done';
  if (p5.status === 'SKIPPED') return state.status === 'NO_GAMES' ? '-' : 'skipped';
  return 'none';
}
