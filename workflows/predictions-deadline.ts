/**
 * The predictions deadline of a game date: a durable timer in the date's own workflow (not a poller). If the
 * date is a game day in same_day/tomorrow mode and predictions are not COMPLETE at the deadline (2 PM ET by
 * default), one PREDICTIONS_MISSING alert names what is missing and the command that moves it on.
 */
import { condition, isCancellation, log } from '@temporalio/workflow';
import { zonedTimeToInstant, type PipelineMode } from '../domain/dates';
import { phaseLabel, type PhaseNumber } from '../domain/phases';
import type { AlertRecord, PipelineState } from '../domain/pipeline-state';
import type { RunSettings } from '../domain/run-settings';
import { forceCommand, predictionsReady } from '../domain/self-heal';

export interface PredictionsDeadlineContext {
  state: PipelineState;
  settings: Pick<RunSettings, 'deadlineET' | 'timeZone'>;
  mode: PipelineMode;
  /** The pipeline's own alert (once per key, never fails the pipeline). */
  alert: (
    kind: AlertRecord['kind'],
    phase: PhaseNumber | undefined,
    message: string,
    fixCommand?: string,
  ) => Promise<void>;
}

/** The deadline instant of a date, or undefined when the deadline does not apply (overnight, no games). */
export function predictionsDeadline(ctx: Omit<PredictionsDeadlineContext, 'alert'>): number | undefined {
  if (ctx.mode !== 'same_day' && ctx.mode !== 'tomorrow') return undefined;
  if (!ctx.state.gamesScheduled) return undefined;
  return zonedTimeToInstant(ctx.state.gameDate, ctx.settings.deadlineET, ctx.settings.timeZone).getTime();
}

/** Starts the timer in the background; the pipeline goes on. A date started after its deadline alerts at once. */
export function startPredictionsDeadline(ctx: PredictionsDeadlineContext): void {
  const deadline = predictionsDeadline(ctx);
  if (deadline === undefined) return;
  watch(ctx, deadline).catch((err: unknown) => {
    if (!isCancellation(err)) log.error('predictions deadline watch failed', { error: (err as Error).message });
  });
}

async function watch(ctx: PredictionsDeadlineContext, deadline: number): Promise<void> {
  const { state } = ctx;
  const ready = (): boolean => predictionsReady(state) || state.status === 'NO_GAMES';
  const inTime = await condition(ready, Math.max(1, deadline - Date.now()));
  if (inTime) return;
  const phase = state.currentPhase;
  const phaseState = phase ? state.phases[phase] : undefined;
  const missing = phaseState
    ? Object.entries(phaseState.processors)
        .filter(([, p]) => p.status !== 'COMPLETE')
        .map(([name]) => name)
    : [];
  const where = phase && phaseState ? `${phaseLabel(phase)} is ${phaseState.status}` : 'the pipeline has not started';
  const what = missing.length ? `; missing ${missing.join(', ')}` : '';
  const target = (phase && phase >= 4 ? Math.min(phase, 5) : 4) as PhaseNumber;
  await ctx.alert(
    'PREDICTIONS_MISSING',
    5,
    `predictions for ${state.gameDate} (${state.gamesScheduled} games) missing at the ${ctx.settings.deadlineET} ET deadline: ${where}${what}`,
    forceCommand(state.gameDate, target, 'predictions missing at the deadline'),
  );
}
