/**
 * Where a day stands, in one status, one phase and one line: derived from the state the same way by the workflow
 * (search attributes, UI details), the CLI and self-heal.
 */
import type { DayState, DayStatus, StepState } from '../contracts/state';
import { CLOSED_DAY_STATUSES, FINISHED_STEP_STATUSES } from '../contracts/state';
import { formatTimeET } from './dates';
import { phaseLabel, type PhaseNumber } from './phases';

const TROUBLE_ORDER = ['FAILED', 'STUCK', 'BLOCKED'] as const;

/**
 * Done with: DONE, SKIPPED, MISSED, or FAILED and moved past (a failed wave, which the next wave replaces). A FAILED
 * step without `finishedAt` waits for an operator.
 */
/** The steps done without all their inputs (a partial trigger, a lower tier) or finished by an operator's force. */
export function degradedSteps(state: DayState): StepState[] {
  return Object.values(state.cycles).flatMap((c) => c.steps.filter((s) => s.degraded));
}

export function isStepFinished(step: StepState): boolean {
  return FINISHED_STEP_STATUSES.includes(step.status) || (step.status === 'FAILED' && step.finishedAt !== undefined);
}

/** The steps of the current cycle still to do, earliest first. */
export function openSteps(state: DayState): StepState[] {
  return state.cycles[state.cycle].steps.filter((s) => !isStepFinished(s));
}

/** The step that says most about the day now: one in trouble, else one running, else the next due. */
export function focusStep(state: DayState): StepState | undefined {
  const open = openSteps(state);
  for (const status of TROUBLE_ORDER) {
    const step = open.find((s) => s.status === status);
    if (step) return step;
  }
  // ISO instants (one format) order as plain strings, as they did with localeCompare, which loads a collator
  // (milliseconds of a CLI command).
  const byDue = (a: StepState, b: StepState) => (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : 0);
  return open.find((s) => s.status === 'RUNNING') ?? [...open].sort(byDue)[0];
}

export function deriveStatus(state: DayState): { status: DayStatus; phase?: PhaseNumber } {
  if (CLOSED_DAY_STATUSES.includes(state.status)) return { status: state.status, phase: state.currentPhase };
  const focus = focusStep(state);
  if (!focus) return { status: 'WAITING', phase: state.currentPhase };
  const status: DayStatus =
    focus.status === 'FAILED' || focus.status === 'STUCK' || focus.status === 'BLOCKED' || focus.status === 'RUNNING'
      ? focus.status
      : 'WAITING';
  return { status, phase: focus.phase };
}

export function stepLine(step: StepState, timeZone?: string): string {
  const at = isStepFinished(step) && step.finishedAt ? ` at ${formatTimeET(step.finishedAt, timeZone)}` : '';
  const parts = [`${step.label}: ${step.status}${at}`];
  if (step.waitingFor && !isStepFinished(step)) {
    parts.push(
      `waiting for ${step.waitingFor}${step.waitingUntil ? ` until ${formatTimeET(step.waitingUntil, timeZone)}` : ''}`,
    );
  }
  if (step.error && !isStepFinished(step)) parts.push(step.error);
  else if (step.outcome) parts.push(step.outcome);
  return parts.join(' - ');
}

export function summaryLine(state: DayState, timeZone?: string): string {
  const alerts = state.alerts.length ? ` · ${state.alerts.length} alert${state.alerts.length > 1 ? 's' : ''}` : '';
  if (CLOSED_DAY_STATUSES.includes(state.status)) return `${state.status}${alerts}`;
  const focus = focusStep(state);
  const where = focus ? `${phaseLabel(focus.phase)}, ${stepLine(focus, timeZone)}` : 'nothing left in this cycle';
  return `${state.cycle} · ${where}${alerts}`;
}

/** Markdown for the Temporal UI's "current details" of the date's workflow. */
export function detailsMarkdown(state: DayState, timeZone?: string): string {
  const games = state.gamesScheduled === undefined ? '' : ` · ${state.gamesScheduled} games`;
  const lines = [
    `**${state.gameDate}**${games} · cycle **${state.cycle}** · **${state.status}**`,
    '',
    `Now: ${summaryLine(state, timeZone)}`,
    '',
    '| step | due (ET) | status | outcome |',
    '|---|---|---|---|',
  ];
  for (const step of state.cycles[state.cycle].steps) {
    const outcome = (
      step.error && !isStepFinished(step) ? step.error : (step.outcome ?? step.waitingFor ?? '')
    ).replace(/\|/g, '/');
    lines.push(`| ${step.label} | ${formatTimeET(step.dueAt, timeZone)} | ${step.status} | ${outcome.slice(0, 120)} |`);
  }
  if (state.messages.unusable || state.messages.ignored) {
    lines.push(
      '',
      `Messages: ${state.messages.counted} counted, ${state.messages.duplicates} duplicates, ${state.messages.ignored} ignored, ${state.messages.unusable} unusable`,
    );
  }
  return lines.join('\n');
}
