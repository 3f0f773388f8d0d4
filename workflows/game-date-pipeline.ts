import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  isCancellation,
  log,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { evaluateQuorum, type QuorumRule } from '../domain/quorum';
import { PIPELINE_MODES, formatDuration, isValidGameDate, modeForDate, type PipelineMode } from '../domain/dates';
import { isPhaseNumber, phaseLabel, type PhaseNumber } from '../domain/phases';
import type {
  AlertRecord,
  ForcePhaseRequest,
  PhaseStatus,
  PipelineInput,
  PipelineState,
  PipelineStatus,
} from '../domain/pipeline-state';
import type { RunSettings } from '../domain/run-settings';
import {
  alertActivity,
  predictionStartActivity,
  readActivities,
  settingsActivity,
  triggerActivities,
} from './activity-proxies';
import { awaitDataGate, ExecutionLog, type GateHost } from './data-gates';
import { forcePhaseUpdate, pipelineStateQuery, processorCompletedSignal } from './definitions';
import { startPredictionsDeadline } from './predictions-deadline';
import {
  applyCompletion,
  completedProcessors,
  createPipelineState,
  isFinished,
  seedProcessors,
} from './pipeline-state';
import { GameDateKey, PipelineModeKey, PipelinePhaseKey, PipelineStatusKey } from './search-attributes';

/** What a phase's body reports when it finished on its own. */
interface PhaseOutcome {
  reason: string;
  missing?: string[];
  degraded?: boolean;
}
type PhaseResult = PhaseOutcome | 'forced';

const FORCE_ACK_TIMEOUT = '1 minute';

/**
 * One game date's pipeline: phases 1-6 in order, completions as signals, durable timers for the
 * partial trigger and stuck detection, operators through the `forcePhase` update.
 */
export async function gameDatePipeline(input: PipelineInput): Promise<PipelineState> {
  validateInput(input);
  return new PipelineRun(input).execute();
}

function validateInput(input: PipelineInput): void {
  if (!input || !isValidGameDate(input.gameDate)) {
    throw ApplicationFailure.nonRetryable(
      `invalid game date ${JSON.stringify(input?.gameDate)}: expected YYYY-MM-DD`,
      'InvalidInput',
    );
  }
  if (input.mode !== undefined && !PIPELINE_MODES.includes(input.mode)) {
    throw ApplicationFailure.nonRetryable(
      `unknown mode ${JSON.stringify(input.mode)}: expected ${PIPELINE_MODES.join(', ')}`,
      'InvalidInput',
    );
  }
  if (input.fromPhase !== undefined && !isPhaseNumber(input.fromPhase)) {
    throw ApplicationFailure.nonRetryable(
      `unknown phase ${JSON.stringify(input.fromPhase)}: expected 1-6`,
      'InvalidInput',
    );
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();

class PipelineRun {
  private readonly state: PipelineState;
  private settings?: RunSettings;
  private mode: PipelineMode = 'overnight';
  private readonly inbox: unknown[] = [];
  private readonly seenExecutionIds = new Set<string>();
  /** Bumped on every counted completion, so waits wake up. */
  private completionVersion = 0;
  private readonly firstCountedAt: Partial<Record<PhaseNumber, number>> = {};
  private pendingForce?: ForcePhaseRequest;
  /** Operator restarts per phase, so a restarted trigger gets a fresh idempotency key. */
  private readonly restarts: Partial<Record<PhaseNumber, number>> = {};
  private shownSearchAttributes = '';
  /** Rows of nba_orchestration.processor_execution_log for this run (data-gates.ts). */
  private readonly executionLog: ExecutionLog;

  constructor(private readonly input: PipelineInput) {
    const info = workflowInfo();
    this.state = createPipelineState(input.gameDate, info.workflowId, info.runId, iso(Date.now()));
    this.executionLog = new ExecutionLog(this.state);
    setHandler(pipelineStateQuery, () => this.state);
    setHandler(processorCompletedSignal, (message) => this.receive(message));
    setHandler(forcePhaseUpdate, (request) => this.force(request), {
      validator: (request) => this.validateForce(request),
    });
  }

  async execute(): Promise<PipelineState> {
    const { state } = this;
    void this.executionLog.run();
    this.settings = await settingsActivity.loadRunSettings();
    this.mode = this.input.mode ?? modeForDate(state.gameDate, Date.now(), this.settings.timeZone);
    state.mode = this.mode;
    seedProcessors(state, this.settings, this.mode);
    for (const message of this.inbox.splice(0)) this.receive(message);
    this.syncSearchAttributes();

    state.gamesScheduled = await readActivities.countScheduledGames(state.gameDate);
    if (state.gamesScheduled === 0) {
      for (const phase of Object.values(state.phases)) phase.status = 'SKIPPED';
      return this.finish('NO_GAMES');
    }
    startPredictionsDeadline({ state, settings: this.settings, mode: this.mode, alert: (...a) => this.alert(...a) });

    let phase: number = this.input.fromPhase ?? 1;
    for (let earlier = 1; earlier < phase; earlier++) {
      this.setPhaseStatus(earlier as PhaseNumber, 'SKIPPED', `run started at phase ${phase}`);
    }
    while (phase <= 6) phase = await this.runPhase(phase as PhaseNumber);
    return this.finish('COMPLETE');
  }

  private async finish(status: PipelineStatus): Promise<PipelineState> {
    this.state.status = status;
    this.state.completedAt = iso(Date.now());
    this.syncSearchAttributes();
    await this.executionLog.settled();
    await condition(allHandlersFinished);
    return this.state;
  }

  /** Runs one phase until it finishes, fails for good, or an operator moves the pipeline on; returns the next phase. */
  private async runPhase(phase: PhaseNumber): Promise<number> {
    const phaseState = this.state.phases[phase];
    this.state.currentPhase = phase;
    for (;;) {
      phaseState.startedAt = iso(Date.now());
      phaseState.error = undefined;
      this.setPhaseStatus(phase, phase <= 3 ? 'WAITING' : 'RUNNING');
      try {
        const result = await this.phaseBody(phase);
        if (result !== 'forced') {
          this.completePhase(phase, result);
          return phase + 1;
        }
      } catch (err) {
        if (isCancellation(err) || !(err instanceof ActivityFailure || err instanceof ApplicationFailure)) throw err;
        const cause = err instanceof ActivityFailure && err.cause instanceof Error ? err.cause.message : err.message;
        phaseState.error = cause;
        this.setPhaseStatus(phase, 'FAILED');
        await this.alert(
          'PHASE_FAILED',
          phase,
          `${phaseLabel(phase)} failed for ${this.state.gameDate}: ${cause}`,
          this.forceCommand(phase, 'retry'),
        );
        const acted = await condition(() => this.pendingForce !== undefined, this.requireSettings().operatorWaitMs);
        if (!acted) {
          await this.alert(
            'WORKFLOW_FAILED',
            phase,
            `${this.state.gameDate} pipeline gave up: ${phaseLabel(phase)} failed and no operator acted`,
          );
          throw ApplicationFailure.nonRetryable(
            `${phaseLabel(phase)} failed and no operator acted: ${cause}`,
            'PhaseFailed',
          );
        }
      }
      const { next, restart } = await this.applyForce(phase);
      if (next !== phase) return next;
      if (restart) this.restarts[phase] = (this.restarts[phase] ?? 0) + 1;
    }
  }

  private phaseBody(phase: PhaseNumber): Promise<PhaseResult> {
    switch (phase) {
      case 1:
      case 2:
        return this.waitForCompletions(phase);
      case 3:
        return this.runAnalytics();
      case 4:
        return this.gated(4, () => this.underSla(4, () => this.runPrecompute()));
      case 5:
        return this.gated(5, () => this.underSla(5, () => this.runPredictions()));
      case 6:
        return this.gated(6, () => this.underSla(6, () => this.runExport()));
    }
  }

  /** The phase's data gate (data-gates.ts) before its body: BLOCKED until it passes, an operator skips it, or a force. */
  private async gated(phase: PhaseNumber, body: () => Promise<PhaseResult>): Promise<PhaseResult> {
    const host: GateHost = {
      state: this.state,
      executionLog: this.executionLog,
      slaMs: (p) => this.requireSettings().slaMs[p],
      forceRequested: () => this.pendingForce !== undefined,
      setPhaseStatus: (p, status) => this.setPhaseStatus(p, status),
      alert: (kind, p, message, fixCommand) => this.alert(kind, p, message, fixCommand),
      forceCommand: (p, why) => this.forceCommand(p, why),
    };
    return (await awaitDataGate(host, phase)) === 'forced' ? 'forced' : body();
  }

  // ---- phases ---------------------------------------------------------------------------------

  private async runAnalytics(): Promise<PhaseResult> {
    const settings = this.requireSettings();
    const rule = settings.modes[this.mode][3];
    const alreadyComplete = rule.expected.every((name) => completedProcessors(this.state.phases[3]).has(name));
    if (!alreadyComplete) {
      const classNames = settings.processors[3].filter((p) => rule.expected.includes(p.name)).map((p) => p.className);
      await triggerActivities.triggerAnalytics({ ...this.triggerIds(3), processors: classNames });
      this.markTriggered(3, `process-date-range for ${classNames.length} processors`);
    }
    return this.waitForCompletions(3);
  }

  private async runPrecompute(): Promise<PhaseResult> {
    const settings = this.requireSettings();
    const phaseState = this.state.phases[4];
    const degradedUpstream = Boolean(this.state.phases[3].degraded);
    for (const processor of settings.processors[4]) {
      if (this.pendingForce) return 'forced';
      if (phaseState.processors[processor.name]?.status === 'COMPLETE') continue;
      const result = await triggerActivities.runPrecomputeProcessor({
        ...this.triggerIds(4, processor.name),
        className: processor.className,
        skipDependencyCheck: degradedUpstream,
      });
      this.markTriggered(4, phaseState.triggerReason ?? 'process-date, one processor at a time in dependency order');
      phaseState.processors[processor.name] = {
        ...phaseState.processors[processor.name],
        status: 'COMPLETE',
        completedAt: phaseState.processors[processor.name]?.completedAt ?? iso(Date.now()),
        recordCount: result.recordCount,
      };
    }
    return { reason: `all ${settings.processors[4].length} precompute processors succeeded` };
  }

  private async runPredictions(): Promise<PhaseResult> {
    const settings = this.requireSettings();
    const phaseState = this.state.phases[5];
    const start = await predictionStartActivity.startPredictionBatch({
      ...this.triggerIds(5),
      force: (this.restarts[5] ?? 0) > 0,
    });
    if (start.outcome === 'no_games') {
      this.markTriggered(5, 'coordinator /start');
      return { reason: 'coordinator found no games scheduled' };
    }
    phaseState.details = { batchId: start.batchId, attached: start.outcome === 'attached' };
    this.markTriggered(
      5,
      start.outcome === 'attached' ? `attached to running batch ${start.batchId}` : `started batch ${start.batchId}`,
    );
    for (;;) {
      const status = await readActivities.getPredictionBatchStatus(start.batchId);
      phaseState.details = { ...phaseState.details, ...status };
      if (status.status === 'complete') {
        if (status.completionPct < settings.minCompletionPct) {
          throw ApplicationFailure.nonRetryable(
            `batch ${start.batchId} completed at ${status.completionPct}%, below ${settings.minCompletionPct}% (force phase 6 to export it anyway)`,
            'PredictionsBelowThreshold',
          );
        }
        return { reason: `batch ${start.batchId} complete at ${status.completionPct}%` };
      }
      if (status.status !== 'in_progress') {
        throw ApplicationFailure.nonRetryable(`batch ${start.batchId} status ${status.status}`, 'PredictionBatchLost');
      }
      if (Date.now() - Date.parse(phaseState.triggeredAt as string) > settings.predictionMaxWaitMs) {
        throw ApplicationFailure.nonRetryable(
          `batch ${start.batchId} still in progress at ${status.completionPct}% after ${formatDuration(settings.predictionMaxWaitMs)}`,
          'PredictionBatchStalled',
        );
      }
      const forced = await condition(() => this.pendingForce !== undefined, settings.predictionPollMs);
      if (forced) return 'forced';
    }
  }

  private async runExport(): Promise<PhaseResult> {
    const { messageId } = await triggerActivities.publishExportTrigger(this.triggerIds(6));
    this.markTriggered(6, `export trigger published (message ${messageId})`);
    return { reason: 'export trigger published' };
  }

  /**
   * Waits for a phase's completions. Phase 3 proceeds at once when all expected are in; otherwise, once
   * the partial-trigger window after the first completion has passed, with the quorum (>= N of 5 and
   * every critical one), or becomes STUCK and keeps waiting. Phases 1-2 wait for all expected.
   */
  private async waitForCompletions(phase: 1 | 2 | 3): Promise<PhaseResult> {
    const settings = this.requireSettings();
    const phaseState = this.state.phases[phase];
    const rule = settings.modes[this.mode][phase];
    const quorum: QuorumRule = {
      expected: rule.expected,
      critical: rule.critical,
      minimumComplete: phase === 3 ? settings.minimumComplete : rule.expected.length,
    };
    const waitStartedAt = Date.now();
    for (;;) {
      if (this.pendingForce) return 'forced';
      const decision = evaluateQuorum(quorum, completedProcessors(phaseState));
      if (decision.kind === 'all_complete')
        return { reason: `all ${rule.expected.length} expected processors complete` };
      const done = rule.expected.length - decision.missing.length;
      const firstAt = this.firstCountedAt[phase];
      let deadline: number | undefined;
      if (phase === 3 && firstAt !== undefined) {
        const partialAt = firstAt + settings.partialTriggerAfterMs;
        phaseState.partialTriggerAt = iso(partialAt);
        if (Date.now() < partialAt) {
          deadline = partialAt;
        } else if (decision.kind === 'partial') {
          return {
            reason: `partial trigger: ${done}/${rule.expected.length} complete ${formatDuration(settings.partialTriggerAfterMs)} after the first completion, missing ${decision.missing.join(', ')}`,
            missing: decision.missing,
            degraded: true,
          };
        } else {
          const critical = decision.missingCritical.length
            ? `; missing critical ${decision.missingCritical.join(', ')}`
            : '';
          await this.markStuck(
            phase,
            `quorum not met after the partial-trigger window: ${done}/${rule.expected.length} complete (need ${quorum.minimumComplete} and every critical one)${critical}`,
          );
        }
      } else {
        const slaAt = waitStartedAt + settings.slaMs[phase];
        if (Date.now() < slaAt) deadline = slaAt;
        else
          await this.markStuck(
            phase,
            `${done}/${rule.expected.length} complete after the ${formatDuration(settings.slaMs[phase])} SLA; missing ${decision.missing.join(', ')}`,
          );
      }
      const seen = this.completionVersion;
      const woken = () => this.completionVersion !== seen || this.pendingForce !== undefined;
      if (deadline === undefined) await condition(woken);
      else await condition(woken, Math.max(1, deadline - Date.now()));
    }
  }

  /** Marks the phase STUCK (with one alert) if its body is still running when the SLA runs out. */
  private async underSla(phase: PhaseNumber, body: () => Promise<PhaseResult>): Promise<PhaseResult> {
    const slaMs = this.requireSettings().slaMs[phase];
    const watch = new CancellationScope();
    const watcher = watch
      .run(async () => {
        await sleep(slaMs);
        await this.markStuck(phase, `${phaseLabel(phase)} still running after its ${formatDuration(slaMs)} SLA`);
      })
      .catch((err: unknown) => {
        if (!isCancellation(err)) throw err;
      });
    try {
      return await body();
    } finally {
      watch.cancel();
      await watcher;
    }
  }

  // ---- signals, updates --------------------------------------------------------------------------

  private receive(message: unknown): void {
    if (!this.settings) {
      this.inbox.push(message);
      return;
    }
    const outcome = applyCompletion(this.state, this.settings, message, this.seenExecutionIds, iso(Date.now()));
    if (outcome.kind === 'rejected') log.warn('completion rejected', { reason: outcome.reason });
    if (outcome.kind === 'recorded' && outcome.counted) {
      this.firstCountedAt[outcome.phase] ??= Date.now();
      this.completionVersion += 1;
    }
  }

  private validateForce(request: ForcePhaseRequest): void {
    if (!request || !isPhaseNumber(request.phase)) {
      throw new Error(`unknown phase ${JSON.stringify(request?.phase)}: expected 1-6`);
    }
    if (typeof request.reason !== 'string' || request.reason.trim() === '') throw new Error('a reason is required');
    const { status } = this.state;
    if (status === 'COMPLETE' || status === 'NO_GAMES')
      throw new Error(`the ${this.state.gameDate} pipeline is already ${status}`);
    if (!this.settings || this.state.currentPhase === undefined)
      throw new Error('the pipeline has not started its phases yet; try again in a moment');
    const target = this.state.phases[request.phase];
    if (isFinished(target)) throw new Error(`${phaseLabel(request.phase)} is already ${target.status}`);
    if (this.pendingForce) throw new Error(`a force to phase ${this.pendingForce.phase} is still being applied`);
  }

  private async force(request: ForcePhaseRequest): Promise<PipelineState> {
    this.state.operatorActions.push({
      at: iso(Date.now()),
      action: 'forcePhase',
      phase: request.phase,
      reason: request.reason,
      user: request.user ?? 'unknown',
      skipGates: Boolean(request.skipGates),
    });
    this.pendingForce = request;
    await condition(() => this.pendingForce !== request, FORCE_ACK_TIMEOUT);
    return this.state;
  }

  /**
   * Consumes the pending force at `current`: the phases before the target finish as forced and the target
   * starts (a restart when it is the current phase). A force that a phase finishing in the meantime made
   * stale (its target is now behind) is dropped, and the current phase goes on without a restart.
   */
  private async applyForce(current: PhaseNumber): Promise<{ next: PhaseNumber; restart: boolean }> {
    const request = this.pendingForce as ForcePhaseRequest;
    this.pendingForce = undefined;
    if (request.phase < current || isFinished(this.state.phases[request.phase])) {
      log.warn('dropped a stale force', { phase: request.phase, current, reason: request.reason });
      return { next: current, restart: false };
    }
    const by = `forced by ${request.user ?? 'unknown'}: ${request.reason}`;
    if (request.phase > current) {
      const missing = Object.entries(this.state.phases[current].processors)
        .filter(([, p]) => p.status !== 'COMPLETE')
        .map(([name]) => name);
      this.completePhase(current, { reason: by, missing, degraded: true });
      for (let skipped = current + 1; skipped < request.phase; skipped++) {
        this.setPhaseStatus(skipped as PhaseNumber, 'SKIPPED', by);
      }
      this.state.phases[request.phase].triggerReason = by;
    }
    await this.alert('PHASE_FORCED', request.phase, `${phaseLabel(request.phase)} of ${this.state.gameDate} ${by}`);
    return { next: request.phase, restart: request.phase === current };
  }

  // ---- bookkeeping -------------------------------------------------------------------------------

  private completePhase(phase: PhaseNumber, outcome: PhaseOutcome): void {
    const phaseState = this.state.phases[phase];
    phaseState.completedAt = iso(Date.now());
    phaseState.degraded = outcome.degraded || undefined;
    if (outcome.missing?.length) phaseState.missingProcessors = outcome.missing;
    this.setPhaseStatus(phase, 'COMPLETE', outcome.reason);
    const next = this.state.phases[(phase + 1) as PhaseNumber];
    if (next && !next.triggerReason) {
      next.triggerReason = outcome.reason;
      if (outcome.missing?.length) next.missingProcessors = outcome.missing;
    }
  }

  private setPhaseStatus(phase: PhaseNumber, status: PhaseStatus, reason?: string): void {
    const phaseState = this.state.phases[phase];
    phaseState.status = status;
    if (reason && (status === 'SKIPPED' || status === 'COMPLETE')) phaseState.completedReason = reason;
    const pipelineStatus: Partial<Record<PhaseStatus, PipelineStatus>> = {
      WAITING: 'WAITING',
      RUNNING: 'RUNNING',
      STUCK: 'STUCK',
      BLOCKED: 'BLOCKED',
      FAILED: 'FAILED',
    };
    const mapped = pipelineStatus[status];
    if (mapped && phase === this.state.currentPhase) this.state.status = mapped;
    this.syncSearchAttributes();
  }

  private markTriggered(phase: PhaseNumber, how: string): void {
    const phaseState = this.state.phases[phase];
    if (phaseState.triggeredAt) return;
    phaseState.triggeredAt = iso(Date.now());
    phaseState.triggeredBy = how;
  }

  private async markStuck(phase: PhaseNumber, why: string): Promise<void> {
    this.state.phases[phase].error = why;
    this.setPhaseStatus(phase, 'STUCK');
    const target = phase <= 3 ? phase + 1 : phase;
    await this.alert(
      'PHASE_STUCK',
      phase,
      `${phaseLabel(phase)} of ${this.state.gameDate} is stuck: ${why}`,
      this.forceCommand(target as PhaseNumber, 'stuck'),
    );
  }

  /** Raises an alert once per condition (kind + phase); a failed delivery never fails the pipeline. */
  private async alert(
    kind: AlertRecord['kind'],
    phase: PhaseNumber | undefined,
    message: string,
    fixCommand?: string,
  ): Promise<void> {
    const restart = phase && this.restarts[phase] ? `#${this.restarts[phase]}` : '';
    const key = `${this.state.workflowId}:${kind}:${phase ?? 'pipeline'}${restart}`;
    if (this.state.alerts.some((a) => a.key === key)) return;
    const record: AlertRecord = { key, kind, phase, message, fixCommand, raisedAt: iso(Date.now()) };
    this.state.alerts.push(record);
    try {
      // Recorded means sent: a cancelled scope (e.g. the SLA watcher) must not cut the delivery short.
      await CancellationScope.nonCancellable(() =>
        alertActivity.raiseAlert({ ...record, gameDate: this.state.gameDate, workflowId: this.state.workflowId }),
      );
    } catch (err) {
      log.error('alert delivery failed', { key, error: (err as Error).message });
    }
  }

  private forceCommand(phase: PhaseNumber, why: string): string {
    return `gameday force ${this.state.gameDate} --phase ${phase} --reason "${why}"`;
  }

  private triggerIds(phase: PhaseNumber, processor?: string) {
    const restart = this.restarts[phase] ? `:restart${this.restarts[phase]}` : '';
    const suffix = processor ? `:${processor}` : '';
    return {
      gameDate: this.state.gameDate,
      // The run ID makes a rerun or a reset trigger anew; activity retries within a run share the key.
      idempotencyKey: `${this.state.workflowId}:${this.state.runId}:phase${phase}${suffix}${restart}`,
      correlationId: this.state.workflowId,
    };
  }

  private requireSettings(): RunSettings {
    if (!this.settings) throw ApplicationFailure.nonRetryable('run settings not loaded', 'InternalError');
    return this.settings;
  }

  private syncSearchAttributes(): void {
    const values = {
      gameDate: this.state.gameDate,
      phase: this.state.currentPhase ? `phase${this.state.currentPhase}` : 'none',
      status: this.state.status,
      mode: this.state.mode ?? 'unknown',
    };
    const shown = JSON.stringify(values);
    if (shown === this.shownSearchAttributes) return;
    this.shownSearchAttributes = shown;
    upsertSearchAttributes([
      { key: GameDateKey, value: values.gameDate },
      { key: PipelinePhaseKey, value: values.phase },
      { key: PipelineStatusKey, value: values.status },
      { key: PipelineModeKey, value: values.mode },
    ]);
  }
}
