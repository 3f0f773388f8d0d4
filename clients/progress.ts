import type { PipelineState } from '../domain/pipeline-state';
import { PHASES, phaseLabel } from '../domain/phases';
import { formatTimeET } from '../domain/dates';

/** One line per phase describing where it stands, e.g. `phase 3 (analytics): WAITING 3/5 complete`. */
export function phaseLines(state: PipelineState): string[] {
  return PHASES.map((phase) => {
    const p = state.phases[phase];
    const expected = p.expectedProcessors ?? [];
    const done = expected.filter((name) => p.processors[name]?.status === 'COMPLETE').length;
    const counts = expected.length && p.status !== 'SKIPPED' ? ` ${done}/${expected.length} complete` : '';
    const extra: string[] = [];
    if (p.partialTriggerAt && p.status === 'WAITING')
      extra.push(`partial trigger at ${formatTimeET(p.partialTriggerAt)}`);
    if (p.degraded) extra.push('degraded');
    if (p.error && (p.status === 'STUCK' || p.status === 'FAILED' || p.status === 'BLOCKED')) extra.push(p.error);
    if (p.status === 'COMPLETE' && p.completedReason) extra.push(p.completedReason);
    const tail = extra.length ? ` (${extra.join('; ')})` : '';
    return `${phaseLabel(phase)}: ${p.status}${counts}${tail}`;
  });
}

/** Lines that changed since the previous state, for terminal progress that does not repeat itself. */
export class ProgressDiff {
  private previous = new Map<string, string>();

  next(state: PipelineState): string[] {
    const lines: string[] = [];
    const current = new Map<string, string>();
    current.set('status', `pipeline ${state.gameDate}: ${state.status}`);
    phaseLines(state).forEach((line, i) => current.set(`phase${i + 1}`, line));
    state.alerts.forEach((alert) => current.set(`alert:${alert.key}`, `ALERT ${alert.kind}: ${alert.message}`));
    state.operatorActions.forEach((action, i) =>
      current.set(`action:${i}`, `operator ${action.user} forced phase ${action.phase}: ${action.reason}`),
    );
    for (const [key, line] of current) {
      if (this.previous.get(key) !== line && !line.includes(': PENDING')) lines.push(line);
    }
    this.previous = current;
    return lines;
  }
}

export function workflowUiUrl(uiUrl: string, namespace: string, workflowId: string, runId?: string): string {
  const base = `${uiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${encodeURIComponent(runId)}` : base;
}
