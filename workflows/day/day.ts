/**
 * The host of a date's day: its state, the day's clock, waits that an operator can cut short, the tracks of the
 * current cycle, and the run's end (continue-as-new into the next cycle, or the day's finish). The rules (one
 * module each in ../rules) and the cycles (../cycles) call it; it never decides anything about the pipeline.
 */
import {
  allHandlersFinished,
  CancellationScope,
  condition,
  patched,
  continueAsNew,
  isCancellation,
  log,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  forcePhaseUpdate,
  pipelineStateQuery,
  processorCompletedSignal,
  recordActionUpdate,
  type ForcePhaseRequest,
  type ForcePhaseResult,
  type GameDatePipelineWorkflow,
  type PipelineInput,
  type RecordActionRequest,
} from '../../contracts/workflow-api';
import {
  CLOSED_DAY_STATUSES,
  type AlertKind,
  type DayState,
  type DayStatus,
  type OperatorAction,
  type StepState,
  type StepStatus,
} from '../../contracts/state';
import type { ExecutionLogEvent } from '../../contracts/execution-log';
import { realDelayUntil, realDuration, virtualNow } from '../../domain/clock';
import type { Cycle } from '../../domain/cycles';
import { forceCommand } from '../../domain/commands';
import { formatDuration, formatTimeET } from '../../domain/dates';
import { deriveStatus, isStepFinished, summaryLine } from '../../domain/day-summary';
import { interpretMessage, type Delivery } from '../../domain/messages';
import { PHASE_NAMES, phaseLabel, type PhaseNumber } from '../../domain/phases';
import type { RunSettings } from '../../domain/run-settings';
import { Bookkeeping } from './bookkeeping';
import { applyMessage, iso } from './record';

/** The concurrent tracks of a cycle; each runs its steps in order. */
export type TrackName =
  'phase3' | 'phase4' | 'predictions' | 'deadline' | 'exports' | 'grading' | 'results' | 'gap-check';

/** Which tracks an operator's `forcePhase N` acts on, in order of preference. */
const TRACKS_FOR_PHASE: Record<PhaseNumber, TrackName[]> = {
  1: [],
  2: [],
  3: ['phase3'],
  4: ['phase4'],
  5: ['predictions', 'grading'],
  6: ['exports', 'results'],
};

/** An operator's force, from the update to the step that applies it. */
export interface AppliedForce {
  request: ForcePhaseRequest;
  user: string;
  /** Finish the step as forced instead of restarting it (phase 3 when phase 4 is forced). */
  finish?: boolean;
  outcome?: string;
}

interface TrackRuntime {
  name: TrackName;
  step?: StepState;
  scope?: CancellationScope;
  force?: AppliedForce;
  done: boolean;
}

export type StepBody = (step: StepState, force: AppliedForce | undefined) => Promise<void>;
export type CycleEnd = 'ended' | 'continue-as-new';

export const WAIT_AGAIN_WHEN_A_TRACK_WAKES_PATCH = 'cycle-waits-again-when-a-track-wakes';
export const FORCE_CANCELS_TOGETHER_PATCH = 'force-cancels-phase3-and-the-step-together';
/** Only a force of phase 4 finishes an undecided phase 3: one of phase 5 or 6 released phase 4 that nobody asked for. */
export const ONLY_PHASE4_FINISHES_PHASE3_PATCH = 'only-a-phase4-force-finishes-phase3';

const FLUSH_TIMEOUT_MS = 120_000;
const PAUSE_TIMEOUT_MS = 30_000;

export class Day {
  /** Bumped by every message and operator action, so waits on the state wake up. */
  version = 0;
  private readonly tracks = new Map<TrackName, TrackRuntime>();
  private parked = 0;
  private trackError?: unknown;
  /** The run is handing the day to its next run: a force accepted now would be answered, then lost with the run. */
  private ending = false;
  readonly books: Bookkeeping;

  constructor(
    readonly state: DayState,
    readonly settings: RunSettings,
    readonly input: PipelineInput,
  ) {
    this.books = new Bookkeeping(state, () => this.parked >= this.runningTracks());
  }

  // ---- time -------------------------------------------------------------------------------------

  /** Now, in the day's time (Temporal's clock in production). */
  now(): number {
    return virtualNow(this.state.clock, Date.now());
  }

  /** Waits until a time of the day or a condition; true when the condition held first. Cut short by a force. */
  async until(at: number | undefined, ready: () => boolean = () => false, summary?: string): Promise<boolean> {
    if (ready()) return true;
    if (at !== undefined && this.now() >= at) return false;
    this.parked += 1;
    try {
      if (at === undefined) {
        await condition(ready);
        return true;
      }
      const delay = Math.max(1, Math.ceil(realDelayUntil(this.state.clock, at, Date.now())));
      return summary ? await condition(ready, delay, { summary }) : await condition(ready, delay);
    } finally {
      this.parked -= 1;
    }
  }

  /** A step's wait, shown in the state as what it waits for and until when. */
  async wait(
    step: StepState,
    what: string,
    at: number | undefined,
    ready: () => boolean = () => false,
    status: StepStatus = 'WAITING',
  ): Promise<boolean> {
    step.status = status;
    step.waitingFor = what;
    step.waitingUntil = at === undefined ? undefined : iso(at);
    this.refresh();
    try {
      return await this.until(at, ready, `${step.label}: ${what}`.slice(0, 200));
    } finally {
      step.waitingFor = undefined;
      step.waitingUntil = undefined;
    }
  }

  /**
   * Awaits a step's call. One that runs past the phase's SLA (Temporal retrying it, a processor answering "failed"
   * again and again) makes the step STUCK with one alert, and is awaited on: never silent, never cut short.
   */
  async alertWhenSlow<T>(step: StepState, call: Promise<T>, what: string): Promise<T> {
    let settled = false;
    // Both outcomes handled here: a rejection while the timer runs is not an unhandled one.
    const outcome = call.then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    void outcome.then(() => (settled = true));
    const sla = this.settings.slaMs[step.phase];
    const earlierError = step.error;
    if (!(await condition(() => settled, Math.max(1, Math.ceil(this.real(sla)))))) {
      step.status = 'STUCK';
      step.error = `${what} still running ${formatDuration(sla)} after it started (Temporal retries it)`;
      this.alert('STEP_STUCK', {
        step,
        message: `${this.state.gameDate} ${step.cycle}: ${step.label}: ${step.error}; its pending activity says why`,
        fixCommand: `temporal workflow describe --workflow-id ${this.state.workflowId}`,
      });
      this.refresh();
    }
    const result = await outcome;
    if (step.status === 'STUCK') {
      step.status = 'RUNNING';
      step.error = earlierError;
    }
    if (!result.ok) throw result.error;
    return result.value;
  }

  /** Parks a step for an operator: only a force (which cancels the step's scope) moves it on, in this run or the next. */
  async waitForOperator(step: StepState, what: string, status: StepStatus = 'FAILED'): Promise<void> {
    step.awaitsOperator = what;
    await this.wait(step, what, undefined, () => false, status);
  }

  /**
   * When a step's own waits start counting: its due time, or, for a day started after it (a backfill, a late
   * start), the day's start plus `extraMs`: overdue steps run at once but still get time to see their inputs.
   */
  catchUp(dueAt: number, extraMs = 0): number {
    const started = Date.parse(this.state.startedAt);
    return started > dueAt ? started + extraMs : dueAt;
  }

  /** A virtual duration (the 30-minute partial trigger, an SLA) as a real one, for activity timeouts. */
  real(virtualMs: number): number {
    return realDuration(this.state.clock, virtualMs);
  }

  // ---- bookkeeping ------------------------------------------------------------------------------

  /** Recomputes the day's status, phase and summary; shows them (search attributes, UI details). */
  refresh(): void {
    const { status, phase } = deriveStatus(this.state);
    this.state.status = status;
    this.state.currentPhase = phase;
    this.state.summary = summaryLine(this.state, this.settings.timeZone);
    this.books.show();
  }

  alert(
    kind: AlertKind,
    options: { step?: StepState; phase?: PhaseNumber; message: string; fixCommand?: string; key?: string },
  ): void {
    const step = options.step;
    const suffix = options.key ?? (step ? `${step.id}${step.restarts ? `#${step.restarts}` : ''}` : 'day');
    this.books.alert({
      key: `${this.state.workflowId}:${kind}:${suffix}`,
      kind,
      phase: options.phase ?? step?.phase,
      cycle: step?.cycle ?? this.state.cycle,
      message: options.message,
      fixCommand: options.fixCommand,
      raisedAt: iso(this.now()),
    });
  }

  log(event: Omit<ExecutionLogEvent, 'dataDate' | 'correlationId'>): void {
    this.books.log(event);
  }

  fix(phase: PhaseNumber, why: string, extra = ''): string {
    return `${forceCommand(this.state.gameDate, phase, why)}${extra}`;
  }

  // ---- steps ------------------------------------------------------------------------------------

  /** The ids every trigger of a step carries: the idempotency key changes with the run and each operator restart. */
  triggerIds(step: StepState, processor?: string) {
    const restart = step.restarts ? `:restart${step.restarts}` : '';
    const key = `${this.state.workflowId}:${this.state.runId}:${step.id}${processor ? `:${processor}` : ''}${restart}`;
    step.idempotencyKey = key;
    return { gameDate: this.state.gameDate, idempotencyKey: key, correlationId: this.state.workflowId };
  }

  markTriggered(step: StepState, outcome: string): void {
    step.triggeredAt = iso(this.now());
    step.outcome = outcome;
    this.log({
      executionId: step.idempotencyKey ?? `${this.state.runId}:${step.id}:trigger`,
      processorName: 'gameday',
      phase: phaseColumn(step.phase),
      triggeredAt: step.triggeredAt,
      status: 'triggered',
      triggerSource: 'gameday',
      errorMessage: `${step.label}: ${outcome}`,
    });
  }

  finishStep(
    step: StepState,
    status: 'DONE' | 'SKIPPED' | 'FAILED' | 'MISSED',
    outcome: string,
    degraded = false,
  ): void {
    step.status = status;
    step.finishedAt = iso(this.now());
    step.outcome = outcome;
    step.degraded = degraded || undefined;
    if (status !== 'FAILED') step.error = undefined;
    this.log({
      executionId: `${this.state.runId}:${step.id}:${status.toLowerCase()}${step.restarts ? `#${step.restarts}` : ''}`,
      processorName: 'gameday',
      phase: phaseColumn(step.phase),
      triggeredAt: step.triggeredAt ?? step.startedAt ?? step.finishedAt,
      completedAt: step.finishedAt,
      status:
        degraded && status === 'DONE' ? 'complete_degraded' : status === 'DONE' ? 'complete' : status.toLowerCase(),
      triggerSource: 'gameday',
      errorMessage: `${step.label}: ${outcome}`,
    });
    this.refresh();
  }

  /** Runs a track's steps in order; a force cancels the running step's scope at once and restarts (or finishes) it. */
  async runTrack(name: TrackName, steps: StepState[], body: StepBody): Promise<void> {
    const runtime: TrackRuntime = this.tracks.get(name) ?? { name, done: false };
    this.tracks.set(name, runtime);
    try {
      for (const step of steps) {
        if (isStepFinished(step)) continue;
        runtime.step = step;
        let force: AppliedForce | undefined;
        for (;;) {
          const scope = new CancellationScope();
          runtime.scope = scope;
          try {
            step.startedAt ??= iso(this.now());
            // Carried parked from the run before (no command differs for runs that never set it: no patch needed).
            const parked = force ? undefined : step.awaitsOperator;
            await scope.run(() => (parked ? this.waitForOperator(step, parked, step.status) : body(step, force)));
            break;
          } catch (err) {
            const pending = runtime.force;
            runtime.force = undefined;
            if (!pending || !isCancellation(err)) throw err;
            step.awaitsOperator = undefined;
            if (pending.finish) {
              this.finishStep(step, 'DONE', `forced by ${pending.user}: ${pending.request.reason}`, true);
              pending.outcome = `${step.label} finished as forced`;
              break;
            }
            const wasTriggered =
              step.triggeredAt !== undefined || step.status === 'RUNNING' || step.status === 'FAILED';
            step.restarts += 1;
            step.error = undefined;
            step.triggeredAt = undefined;
            // Acted on now: the step's own waits and checks set its next status.
            step.status = 'RUNNING';
            force = pending;
            pending.outcome = `${phaseLabel(step.phase)} of ${step.cycle}: ${step.label} ${
              wasTriggered ? 'restarted with a fresh idempotency key' : 'started now'
            }${pending.request.skipGates ? ', data gates skipped' : ''}`;
          }
        }
        this.refresh();
      }
    } finally {
      runtime.step = undefined;
      runtime.scope = undefined;
      runtime.done = true;
    }
  }

  /** The step of a track an operator's force would act on, or why there is none. */
  private forceTarget(phase: PhaseNumber): { runtime: TrackRuntime; step: StepState } | string {
    const names = TRACKS_FOR_PHASE[phase];
    if (!names.length) {
      return `${phaseLabel(phase)} is observed, not driven, by Gameday: run the scrapers or raw processors on the platform`;
    }
    for (const name of names) {
      const runtime = this.tracks.get(name);
      if (runtime?.step && runtime.scope && !isStepFinished(runtime.step)) return { runtime, step: runtime.step };
    }
    return `the ${this.state.cycle} cycle has no ${PHASE_NAMES[phase]} step left to force (see \`gameday status ${this.state.gameDate}\`)`;
  }

  // ---- cycles -----------------------------------------------------------------------------------

  /**
   * Runs a cycle's tracks until they are all done or the cycle's end (plus a grace period for steps due at the
   * end) has come; or, when the run's history should be trimmed, until every track is parked in a wait.
   */
  async runCycle(
    cycle: Cycle,
    tracks: Partial<Record<TrackName, () => Promise<void>>>,
    options: { endsWith?: TrackName } = {},
  ): Promise<CycleEnd> {
    const c = this.state.cycles[cycle];
    this.state.cycle = cycle;
    c.status = 'RUNNING';
    c.startedAt ??= iso(this.now());
    for (const [name, run] of Object.entries(tracks) as [TrackName, () => Promise<void>][]) {
      this.tracks.set(name, { name, done: false });
      run().catch((err: unknown) => {
        this.trackError ??= err;
      });
    }
    this.refresh();
    // A day started after this cycle's end (a backfill) gives its overdue steps a few hours instead.
    const endAt = this.catchUp(Date.parse(c.endsAt) + this.settings.cycleGraceMs, 6 * this.settings.cycleGraceMs);
    const running = () => this.runningTracks();
    const drainable = () => this.wantsContinueAsNew() && this.parked >= running();
    const finalDone = () => options.endsWith !== undefined && this.tracks.get(options.endsWith)?.done === true;
    for (;;) {
      const delay = Math.max(1, Math.ceil(realDelayUntil(this.state.clock, endAt, Date.now())));
      await condition(() => this.trackError !== undefined || running() === 0 || finalDone() || drainable(), delay, {
        summary: `the ${cycle} cycle ends (${formatTimeET(endAt, this.settings.timeZone)})`,
      });
      if (this.trackError !== undefined) throw this.trackError;
      if (running() > 0 && !finalDone() && this.now() < endAt) {
        if (drainable()) return 'continue-as-new';
        // Ready to drain, but a track woke in the same step and is busy again: wait for the next chance, never
        // end the cycle early (runs before this patch did).
        if (patched(WAIT_AGAIN_WHEN_A_TRACK_WAKES_PATCH)) continue;
      }
      break;
    }
    this.closeCycle(cycle);
    return 'ended';
  }

  private runningTracks(): number {
    let running = 0;
    for (const track of this.tracks.values()) if (!track.done) running += 1;
    return running;
  }

  private wantsContinueAsNew(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength >= this.settings.maxHistoryEvents;
  }

  private closeCycle(cycle: Cycle): void {
    const c = this.state.cycles[cycle];
    const missed = c.steps.filter((s) => !isStepFinished(s));
    for (const step of missed) {
      const was = `${step.status}${step.error ? `: ${step.error}` : step.waitingFor ? `, waiting for ${step.waitingFor}` : ''}`;
      this.finishStep(step, 'MISSED', `the ${cycle} cycle ended with this step ${was}`);
    }
    if (missed.length) {
      this.alert('CYCLE_INCOMPLETE', {
        key: `cycle:${cycle}`,
        phase: missed[0].phase,
        message: `${this.state.gameDate}: the ${cycle} cycle ended with ${missed.length} step(s) not done: ${missed.map((s) => s.label).join(', ')}`,
        fixCommand: `gameday status ${this.state.gameDate}`,
      });
    }
    c.status = 'DONE';
    c.endedAt = iso(this.now());
    this.tracks.clear();
    this.refresh();
  }

  /** Ends this run; the next one goes on with the day (the next cycle, or the same one with a short history). */
  async continueAsNew(cycle: Cycle): Promise<never> {
    this.ending = true;
    await this.books.pause(PAUSE_TIMEOUT_MS);
    await condition(allHandlersFinished);
    this.state.cycle = cycle;
    this.refresh();
    this.books.show({ now: true });
    return continueAsNew<GameDatePipelineWorkflow>({
      gameDate: this.state.gameDate,
      cycle,
      startedBy: this.input.startedBy,
      carried: this.state,
    });
  }

  async finish(status?: DayStatus): Promise<DayState> {
    if (status) this.state.status = status;
    this.state.completedAt = iso(this.now());
    this.state.summary = summaryLine(this.state, this.settings.timeZone);
    this.books.show({ now: true });
    if (!(await this.books.flush(FLUSH_TIMEOUT_MS))) log.warn('bookkeeping not fully written at the end of the day');
    await condition(allHandlersFinished);
    return this.state;
  }

  /** Cancellation: the record says so, search attributes stop saying STUCK, an alert goes out, the outbox is written. */
  async cancelled(): Promise<void> {
    await CancellationScope.nonCancellable(async () => {
      const where = summaryLine(this.state, this.settings.timeZone);
      this.state.status = 'CANCELLED';
      this.state.completedAt = iso(this.now());
      this.alert('DAY_CANCELLED', { message: `${this.state.gameDate}: the day's workflow was cancelled (${where})` });
      this.state.summary = `CANCELLED (was ${where})`;
      this.books.show({ now: true });
      await this.books.flush(FLUSH_TIMEOUT_MS);
    });
  }

  // ---- handlers ---------------------------------------------------------------------------------

  /** Applies a platform message; every one is acknowledged, whatever it is. */
  receive(message: unknown, delivery?: Delivery): void {
    const interpretation = interpretMessage(message, delivery, this.settings.catalog);
    const outcome = applyMessage(this.state, interpretation, delivery, this.now(), this.settings.rememberedMessageIds);
    if (outcome.kind === 'unusable') log.warn('unusable message acknowledged', { reason: outcome.reason });
    if (outcome.kind === 'counted' && interpretation.kind === 'completion') {
      this.log({
        executionId: interpretation.executionId,
        processorName: interpretation.processor,
        phase: phaseColumn(interpretation.phase),
        triggeredAt: interpretation.at,
        completedAt: interpretation.at,
        status: interpretation.status,
        triggerSource: interpretation.triggerSource ?? 'pubsub',
        pubsubMessageId: delivery?.messageId,
        recordsProcessed: interpretation.recordCount,
      });
    }
    this.version += 1;
    this.refresh();
  }

  validateForce(request: ForcePhaseRequest): void {
    if (!request || typeof request !== 'object') throw new Error('expected {phase, reason, skipGates?, user?}');
    if (
      typeof request.phase !== 'number' ||
      !Number.isInteger(request.phase) ||
      request.phase < 1 ||
      request.phase > 6
    ) {
      throw new Error(`unknown phase ${JSON.stringify(request.phase)}: expected a whole number 1-6`);
    }
    if (typeof request.reason !== 'string' || request.reason.trim() === '') throw new Error('a reason is required');
    if (CLOSED_DAY_STATUSES.includes(this.state.status)) {
      throw new Error(`the ${this.state.gameDate} day is already ${this.state.status}`);
    }
    if (this.tracks.size === 0)
      throw new Error('the day is starting: its cycle has not begun yet; try again in a moment');
    if (this.ending) throw new Error('the day is moving on to its next run (continue-as-new); try again in a moment');
    const target = this.forceTarget(request.phase);
    if (typeof target === 'string') throw new Error(target);
    if (target.runtime.force) throw new Error(`a force of ${target.step.label} is still being applied`);
  }

  async force(request: ForcePhaseRequest): Promise<ForcePhaseResult> {
    const target = this.forceTarget(request.phase);
    if (typeof target === 'string') return { applied: false, outcome: target, state: this.state };
    const user = request.user ?? 'unknown';
    const action: OperatorAction = {
      at: iso(this.now()),
      action: 'forcePhase',
      phase: request.phase,
      cycle: this.state.cycle,
      reason: request.reason,
      user,
      skipGates: Boolean(request.skipGates),
    };
    this.state.operatorActions.push(action);
    this.log({
      executionId: `${this.state.runId}:force:${this.state.operatorActions.length}`,
      processorName: 'operator',
      phase: phaseColumn(request.phase),
      triggeredAt: action.at,
      status: action.skipGates ? 'forced_skip_gates' : 'forced',
      triggerSource: `operator:${user}`,
      errorMessage: request.reason,
    });
    const applied: AppliedForce = { request, user };
    const outcomes: string[] = [];
    // Both scopes cancelled at once: phase 3 finishing first would wake the forced step, which could start its call.
    const together = patched(FORCE_CANCELS_TOGETHER_PATCH);
    let finishing: AppliedForce | undefined;
    const finishesPhase3 = patched(ONLY_PHASE4_FINISHES_PHASE3_PATCH) ? request.phase === 4 : request.phase >= 4;
    if (finishesPhase3) {
      // Phase 3 is finished as forced only if its 3 -> 4 rule has not held; once it has, it keeps watching.
      const phase3 = this.tracks.get('phase3');
      if (phase3?.step && phase3.scope && !isStepFinished(phase3.step) && !phase3.step.phase3?.decidedAt) {
        const finish: AppliedForce = { request, user, finish: true };
        phase3.force = finish;
        phase3.scope.cancel();
        if (together) finishing = finish;
        else {
          await condition(() => finish.outcome !== undefined);
          outcomes.push(finish.outcome as string);
        }
      }
    }
    target.runtime.force = applied;
    target.runtime.scope?.cancel();
    if (finishing) {
      const finish = finishing;
      await condition(() => finish.outcome !== undefined);
      outcomes.push(finish.outcome as string);
    }
    await condition(() => applied.outcome !== undefined);
    outcomes.push(applied.outcome as string);
    action.outcome = outcomes.join('; ');
    this.alert('PHASE_FORCED', {
      step: target.step,
      message: `${this.state.gameDate} ${action.outcome} (forced by ${user}: ${request.reason})`,
    });
    this.version += 1;
    this.refresh();
    return { applied: true, outcome: action.outcome, step: target.step.id, state: this.state };
  }

  recordAction(request: RecordActionRequest): DayState {
    const at = iso(this.now());
    for (const discarded of request.discarded ?? []) {
      this.state.operatorActions.push({
        at: discarded.at,
        action: discarded.action === 'forcePhase' ? 'forcePhase' : 'note',
        phase: discarded.phase as PhaseNumber | undefined,
        reason: discarded.reason,
        user: discarded.user,
        outcome: `discarded by the reset at ${at}`,
      });
    }
    this.state.operatorActions.push({
      at,
      action: request.action,
      reason: request.reason,
      user: request.user ?? 'unknown',
    });
    this.version += 1;
    this.refresh();
    return this.state;
  }

  registerHandlers(inbox: { message: unknown; delivery?: Delivery }[]): void {
    for (const queued of inbox.splice(0)) this.receive(queued.message, queued.delivery);
    setHandler(processorCompletedSignal, (message, delivery) => this.receive(message, delivery));
    setHandler(pipelineStateQuery, () => this.state);
    setHandler(forcePhaseUpdate, (request) => this.force(request), {
      validator: (request) => this.validateForce(request),
    });
    setHandler(recordActionUpdate, (request) => this.recordAction(request), {
      validator: (request) => {
        if (!request || (request.action !== 'reset' && request.action !== 'note'))
          throw new Error('action must be reset or note');
        if (typeof request.reason !== 'string' || !request.reason.trim()) throw new Error('a reason is required');
      },
    });
  }
}

export function phaseColumn(phase: PhaseNumber): string {
  return `phase_${phase}_${PHASE_NAMES[phase]}`;
}
