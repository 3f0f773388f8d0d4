/**
 * What self-heal does about one game date: pure rules, shared by the selfHeal workflow and its tests. It looks at
 * yesterday (its overnight cycle runs into this morning), today and tomorrow (failure mode 11: the legacy looked only
 * at tomorrow).
 */
import { TROUBLED_STATUSES, type AlertKind, type DayState } from '../contracts/state';
import { forceCommand, rerunCommand } from './commands';
import { isStepFinished } from './day-summary';
import { phaseLabel, type PhaseNumber } from './phases';

/**
 * The configured remedy for a step that is STUCK, BLOCKED or FAILED (waiting for an operator):
 * - `alert`: report only (the date has alerted already);
 * - `retry`: force the same phase again (a restart triggers anew with a fresh idempotency key);
 * - `advance`: force the next phase with what there is (degraded);
 * - `retry-then-advance`: retry once; then advance.
 */
export type Remedy = 'alert' | 'retry' | 'advance' | 'retry-then-advance';

export interface SelfHealPolicy {
  timeZone: string;
  slaMs: Record<PhaseNumber, number>;
  remedies: Record<PhaseNumber, Remedy>;
}

export interface DateSnapshot {
  gameDate: string;
  gamesScheduled: number;
  workflowId: string;
  execution?: { status: string; runId: string };
  state?: DayState;
}

export type HealDecision =
  | { kind: 'none'; reason: string }
  | { kind: 'start'; reason: string }
  | { kind: 'force'; phase: PhaseNumber; skipGates: boolean; reason: string }
  | {
      kind: 'decline';
      reason: string;
      alert?: { kind: AlertKind; phase?: PhaseNumber; message: string };
      fixCommand?: string;
    };

/** One decision per call; self-heal re-inspects after acting, so two runs in a row do nothing the second time. */
export function decideHeal(snapshot: DateSnapshot, policy: SelfHealPolicy, now: number): HealDecision {
  const { gameDate, gamesScheduled, execution, state } = snapshot;
  if (gamesScheduled === 0) return { kind: 'none', reason: 'no games scheduled' };
  if (!execution) return { kind: 'start', reason: `${gamesScheduled} games scheduled and no workflow for the date` };
  if (execution.status !== 'RUNNING') {
    if (state && ['COMPLETE', 'COMPLETE_WITH_GAPS', 'NO_GAMES'].includes(state.status)) {
      return { kind: 'none', reason: `the day is over (${state.status})` };
    }
    const closedAs = state?.status ? `${execution.status} (${state.status})` : execution.status;
    return {
      kind: 'decline',
      reason: `the date's workflow closed as ${closedAs} with ${gamesScheduled} games scheduled; self-heal does not rerun a closed date`,
      alert: { kind: 'WORKFLOW_FAILED', message: `${gameDate}: the date's workflow closed as ${closedAs}` },
      fixCommand: rerunCommand(gameDate),
    };
  }
  if (!state) return { kind: 'none', reason: 'the day is starting' };

  const cycleSteps = state.cycles[state.cycle].steps;
  const troubled = cycleSteps.find((s) => !isStepFinished(s) && TROUBLED_STATUSES.includes(s.status));
  if (!troubled) return { kind: 'none', reason: `healthy: ${state.summary}` };
  const phase = troubled.phase;
  const where = `${troubled.label} ${troubled.status}${troubled.error ? ` (${troubled.error})` : ''}`;
  // An action on this phase or one upstream of it (a phase-3 retry for a phase 4 that waits for phase 3) gets its SLA.
  const lastAction = [...state.operatorActions]
    .reverse()
    .find((a) => a.phase !== undefined && a.phase <= phase && a.cycle === state.cycle);
  const coolingUntil = lastAction ? Date.parse(lastAction.at) + policy.slaMs[phase] : undefined;
  if (coolingUntil !== undefined && now < coolingUntil) {
    return {
      kind: 'decline',
      reason: `${phaseLabel(lastAction?.phase ?? phase)} was forced at ${lastAction?.at} by ${lastAction?.user}; giving it until ${new Date(coolingUntil).toISOString()}`,
    };
  }
  const next = Math.min(phase + 1, 6) as PhaseNumber;
  const retry: HealDecision = { kind: 'force', phase, skipGates: false, reason: `self-heal retry: ${where}` };
  const advance: HealDecision = { kind: 'force', phase: next, skipGates: false, reason: `self-heal advance: ${where}` };
  switch (policy.remedies[phase]) {
    case 'alert':
      return {
        kind: 'decline',
        reason: `the remedy for ${phaseLabel(phase)} is alert-only: ${where}`,
        fixCommand: forceCommand(gameDate, next, 'stuck'),
      };
    case 'retry':
      return retry;
    case 'advance':
      return advance;
    case 'retry-then-advance':
      return lastAction ? advance : retry;
  }
}
