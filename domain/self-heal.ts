/** What self-heal does about one game date: pure rules, shared by the selfHeal workflow and its tests. */
import { zonedTimeToInstant, type PipelineMode } from './dates';
import { PHASE_NAMES, phaseLabel, type PhaseNumber } from './phases';
import type { AlertRecord, PipelineState } from './pipeline-state';
import { evaluateQuorum } from './quorum';

/**
 * The configured remedy for a phase that is STUCK, BLOCKED or FAILED:
 * - `alert`: do nothing but report it (the pipeline has already alerted);
 * - `retry`: force the same phase again (a restart re-triggers it with a fresh idempotency key);
 * - `advance`: force the next phase with what there is (degraded);
 * - `retry-then-advance`: retry once; later, advance when the quorum rule allows it.
 */
export type Remedy = 'alert' | 'retry' | 'advance' | 'retry-then-advance';

export interface SelfHealPolicy {
  timeZone: string;
  /** HH:MM in `timeZone`: predictions must exist by then on a game day. */
  deadlineET: string;
  slaMs: Record<PhaseNumber, number>;
  remedies: Record<PhaseNumber, Remedy>;
  modes: Record<PipelineMode, Record<1 | 2 | 3, { expected: string[]; critical: string[] }>>;
  minimumComplete: number;
}

/** What self-heal sees of a date: the schedule, the workflow (if any) and its state (if it answered). */
export interface DateSnapshot {
  gameDate: string;
  gamesScheduled: number;
  workflowId: string;
  /** Absent when no workflow with the date's ID exists. */
  execution?: { status: string; runId: string };
  state?: PipelineState;
}

export type HealDecision =
  | { kind: 'none'; reason: string }
  | { kind: 'start'; reason: string }
  | { kind: 'force'; phase: PhaseNumber; skipGates: boolean; reason: string }
  | {
      kind: 'decline';
      reason: string;
      /** Raised when nobody else alerts about it (e.g. a closed workflow without predictions). */
      alert?: { kind: AlertRecord['kind']; phase?: PhaseNumber; message: string };
      fixCommand?: string;
    };

const TROUBLED = new Set(['STUCK', 'BLOCKED', 'FAILED']);

export function forceCommand(gameDate: string, phase: PhaseNumber, reason: string): string {
  return `gameday force ${gameDate} --phase ${phase} --reason "${reason}"`;
}

export function predictionsReady(state: PipelineState | undefined): boolean {
  return state?.phases[5]?.status === 'COMPLETE';
}

/** One decision per call; self-heal re-inspects after acting, so two runs in a row do nothing the second time. */
export function decideHeal(snapshot: DateSnapshot, policy: SelfHealPolicy, now: number): HealDecision {
  const { gameDate, gamesScheduled, execution, state } = snapshot;
  if (gamesScheduled === 0) return { kind: 'none', reason: 'no games scheduled' };
  if (!execution) {
    return { kind: 'start', reason: `${gamesScheduled} games scheduled and no pipeline workflow` };
  }
  if (execution.status !== 'RUNNING') {
    if (state?.status === 'COMPLETE') return { kind: 'none', reason: 'pipeline complete' };
    const closedAs = state?.status ? `${execution.status} (${state.status})` : execution.status;
    return {
      kind: 'decline',
      reason: `the pipeline workflow closed as ${closedAs} with ${gamesScheduled} games scheduled and no predictions; self-heal does not rerun a closed date`,
      alert: {
        kind: 'WORKFLOW_FAILED',
        message: `${gameDate}: pipeline closed as ${closedAs} with ${gamesScheduled} games scheduled; predictions missing`,
      },
      fixCommand: `gameday rerun ${gameDate}`,
    };
  }
  if (!state || state.currentPhase === undefined) return { kind: 'none', reason: 'pipeline is starting' };

  const phase = state.currentPhase;
  const phaseState = state.phases[phase];
  const troubled = TROUBLED.has(phaseState.status);
  const where = `${phaseLabel(phase)} ${phaseState.status}${phaseState.error ? ` (${phaseState.error})` : ''}`;
  const lastAction = [...state.operatorActions].reverse().find((a) => a.phase === phase);
  const coolingUntil = lastAction ? Date.parse(lastAction.at) + policy.slaMs[phase] : undefined;
  const cooling = coolingUntil !== undefined && now < coolingUntil;
  const coolingReason = (): string =>
    `${phaseLabel(phase)} was forced at ${lastAction?.at} by ${lastAction?.user} (${lastAction?.reason}); giving it until ${new Date(coolingUntil ?? now).toISOString()}`;

  const deadline = zonedTimeToInstant(gameDate, policy.deadlineET, policy.timeZone).getTime();
  if (!predictionsReady(state) && now >= deadline && phase <= 5) {
    const late = `predictions missing after the ${policy.deadlineET} deadline`;
    if (cooling) return { kind: 'decline', reason: coolingReason() };
    if (phase <= 3) {
      return {
        kind: 'force',
        phase: 4,
        skipGates: true,
        reason: `self-heal force-predictions: ${late}; ${where}`,
      };
    }
    if (!troubled) return { kind: 'none', reason: `${late}, but ${where} is within its SLA` };
    return { kind: 'force', phase: 5, skipGates: true, reason: `self-heal force-predictions: ${late}; ${where}` };
  }

  if (!troubled) return { kind: 'none', reason: `healthy: ${where}` };
  if (cooling) return { kind: 'decline', reason: coolingReason() };

  const next = Math.min(phase + 1, 6) as PhaseNumber;
  const retry: HealDecision = {
    kind: 'force',
    phase,
    skipGates: false,
    reason: `self-heal retry: ${where}`,
  };
  switch (policy.remedies[phase]) {
    case 'alert':
      return {
        kind: 'decline',
        reason: `remedy for ${PHASE_NAMES[phase]} is alert-only: ${where}`,
        fixCommand: forceCommand(gameDate, next, 'stuck'),
      };
    case 'retry':
      return retry;
    case 'advance':
      return { kind: 'force', phase: next, skipGates: false, reason: `self-heal advance: ${where}` };
    case 'retry-then-advance': {
      const retried = state.operatorActions.some((a) => a.phase === phase);
      if (!retried) return retry;
      if (phase > 3) return { kind: 'force', phase: next, skipGates: false, reason: `self-heal advance: ${where}` };
      const rule = policy.modes[state.mode ?? 'overnight'][phase as 1 | 2 | 3];
      const complete = new Set(
        Object.entries(phaseState.processors)
          .filter(([, p]) => p.status === 'COMPLETE')
          .map(([name]) => name),
      );
      const minimum = phase === 3 ? policy.minimumComplete : rule.expected.length;
      const decision = evaluateQuorum({ ...rule, minimumComplete: minimum }, complete);
      const count = `${rule.expected.length - (decision.kind === 'all_complete' ? 0 : decision.missing.length)}/${rule.expected.length}`;
      if (decision.kind !== 'insufficient') {
        const missing = decision.kind === 'partial' ? `, missing ${decision.missing.join(', ')}` : '';
        return {
          kind: 'force',
          phase: next,
          skipGates: false,
          reason: `self-heal advance with partial data: quorum met (${count} complete${missing})`,
        };
      }
      const critical = decision.missingCritical.length
        ? `, missing critical ${decision.missingCritical.join(', ')}`
        : '';
      return {
        kind: 'decline',
        reason: `already retried; quorum not met (${count} complete${critical}); the ${policy.deadlineET} predictions deadline forces it`,
        fixCommand: forceCommand(gameDate, next, 'stuck'),
      };
    }
  }
}
