/**
 * Bookkeeping of the date's workflow: alerts, execution-log rows, search attributes and the UI's current details.
 * Rules record into the state's outbox and go on; background loops deliver it. Nothing here is ever awaited on
 * the path to a trigger: a Slack outage or a slow warehouse never delays the pipeline.
 */
import {
  CancellationScope,
  condition,
  isCancellation,
  log,
  patched,
  setCurrentDetails,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { ExecutionLogEvent } from '../../contracts/execution-log';
import { TROUBLED_STATUSES, type AlertRecord, type DayState } from '../../contracts/state';
import { GameDateKey, PipelineCycleKey, PipelinePhaseKey, PipelineStatusKey } from '../../contracts/search-attributes';
import { PHASE_NAMES } from '../../domain/phases';
import { bookkeepingActivities } from '../activity-proxies';
import { addAlert } from './record';
import { detailsMarkdown } from '../../domain/day-summary';
import { DayMetrics } from './metrics';

const LOG_BATCH = 50;

/**
 * Execution-log writes wait while a data gate is in flight: a log write finishing first would wake a workflow task
 * of its own, and the trigger after the gate would wait behind it. (Not the legacy claim: retried for an hour when
 * Firestore is down, it would hold the log that long.)
 */
export const HOLD_LOG_ON_TRIGGER_PATH_PATCH = 'hold-log-writes-on-trigger-path';
const SETTLE_PASSES = 2;

/**
 * Execution-log rows are written when the day goes quiet (every track parked in a wait), or once `LOG_BATCH` are
 * queued: one write per burst of work instead of one per row-producing moment. Each write is an activity and a
 * workflow task (events, billed actions, worker and server CPU): a day wrote 36 times, most of them a row or two.
 * Subsumes the hold above: a track in its data gate is not parked.
 */
export const LOG_WRITES_WHEN_QUIET_PATCH = 'log-writes-when-quiet';

/**
 * Search attributes are upserted when the day goes quiet, not in the workflow task that schedules a trigger: the
 * server applies an upsert (a visibility write) in the same request as the task's other commands, so the trigger's
 * activity waited for it. A troubled status and the end of a run (finish, continue-as-new, cancel) are upserted at
 * once. While a track waits for a long call, the others' changes wait with it (the query is always current).
 */
export const ATTRIBUTES_WHEN_QUIET_PATCH = 'search-attributes-when-quiet';

/**
 * The end-of-day flush delivers through the running loops instead of beside them: both took the outbox's head, so
 * the last log rows were written twice and an alert raised at the end went out twice; and the day completed with
 * that second write still open, a completion the server refused (a failed workflow task, a replay of the whole run).
 */
export const FLUSH_THROUGH_THE_LOOPS_PATCH = 'flush-through-the-delivery-loops';

/** Resolves at the workflow's next pass over its blocked conditions (a condition true at once resolves at once). */
function nextConditionPass(): Promise<void> {
  let armed = false;
  const pass = condition(() => armed);
  armed = true;
  return pass;
}

export class Bookkeeping {
  private shownAttributes = '';
  private shownDetails = '';
  private paused = false;
  private delivering = false;
  /** The end of the run: the log loop writes without waiting for the day to go quiet. */
  private draining = false;
  private loopsRunning = 0;
  private holds = 0;
  private attributesPending = false;
  private readonly metrics: DayMetrics;

  /** `quiet`: true while no track of the day is at work (each parked in a wait, or none running). */
  constructor(
    private readonly state: DayState,
    private readonly quiet: () => boolean = () => true,
  ) {
    this.metrics = new DayMetrics(state);
  }

  /** Records an alert once per key and queues its delivery; returns false for a key already raised. */
  alert(record: AlertRecord): boolean {
    if (!addAlert(this.state, record)) return false;
    this.state.outbox.alertKeys.push(record.key);
    this.log({
      executionId: `${this.state.runId}:alert:${record.key}`,
      processorName: 'gameday_alert',
      phase: record.phase ? `phase_${record.phase}_${PHASE_NAMES[record.phase]}` : 'pipeline',
      triggeredAt: record.raisedAt,
      status: `alert_${record.kind.toLowerCase()}`,
      errorMessage: record.message,
    });
    return true;
  }

  log(event: Omit<ExecutionLogEvent, 'dataDate' | 'correlationId'>): void {
    this.state.outbox.log.push({ ...event, dataDate: this.state.gameDate, correlationId: this.state.workflowId });
  }

  /** Runs `work`, an activity the next trigger waits for, with execution-log writes held until it is done. */
  async holding<T>(work: () => Promise<T>): Promise<T> {
    this.holds += 1;
    try {
      return await work();
    } finally {
      this.holds -= 1;
    }
  }

  get idle(): boolean {
    return this.state.outbox.alertKeys.length === 0 && this.state.outbox.log.length === 0;
  }

  /** Starts the delivery loops; they end with the run (continue-as-new carries what is left). */
  start(): void {
    void this.loop(
      'alerts',
      () => this.state.outbox.alertKeys.length > 0,
      () => this.deliverAlert(),
    );
    void this.loop(
      'execution log',
      () => this.state.outbox.log.length > 0,
      () => this.writeLog(),
      true,
    );
    void this.attributesWhenQuiet();
  }

  /** Delivers what is left, even while the workflow is being cancelled; gives up after `timeoutMs`. */
  async flush(timeoutMs: number): Promise<boolean> {
    return CancellationScope.nonCancellable(async () => {
      if (!patched(FLUSH_THROUGH_THE_LOOPS_PATCH)) return this.flushBesideTheLoops(timeoutMs);
      this.draining = true;
      this.paused = false;
      // The loops deliver while they run; once cancellation has ended them, the flush delivers what they left. A
      // delivery keeps its alert or rows in the outbox until it is done: idle means nothing is still open.
      void (async () => {
        await condition(() => this.idle || this.loopsRunning === 0);
        while (!this.idle) await this.deliverOne();
      })();
      return condition(() => this.idle, timeoutMs, { summary: 'deliver the alerts and log rows left' });
    });
  }

  private async deliverOne(): Promise<void> {
    if (this.state.outbox.alertKeys.length) await this.deliverAlert();
    else await this.writeLog();
  }

  private flushBesideTheLoops(timeoutMs: number): Promise<boolean> {
    const deliver = async () => {
      while (this.state.outbox.alertKeys.length) await this.deliverAlert();
      while (this.state.outbox.log.length) await this.writeLog();
    };
    void deliver();
    return condition(() => this.idle, timeoutMs, { summary: 'deliver the alerts and log rows left' });
  }

  /**
   * Stops starting new deliveries and waits (at most `timeoutMs`) for the one in flight: a run ends with no
   * bookkeeping activity of its own still open; what is left stays in the outbox for the next run.
   */
  async pause(timeoutMs: number): Promise<void> {
    this.paused = true;
    await condition(() => !this.delivering, timeoutMs, { summary: 'finish the delivery in flight' });
  }

  private async loop(
    what: string,
    ready: () => boolean,
    deliver: () => Promise<void>,
    yieldsToTriggers = false,
  ): Promise<void> {
    this.loopsRunning += 1;
    try {
      for (;;) {
        await condition(() => !this.paused && ready());
        if (yieldsToTriggers && patched(HOLD_LOG_ON_TRIGGER_PATH_PATCH)) {
          // Let the rules woken by the same event run first (each condition pass wakes the next in a chain:
          // phase 3 done -> phase 4's wait -> its gate): one that reaches a gate holds the writes until it is done.
          for (let pass = 0; pass < SETTLE_PASSES; pass++) await nextConditionPass();
          if (patched(LOG_WRITES_WHEN_QUIET_PATCH)) {
            await condition(
              () => !this.paused && (this.draining || this.quiet() || this.state.outbox.log.length >= LOG_BATCH),
            );
          } else {
            await condition(() => !this.paused && this.holds === 0);
          }
          if (!ready()) continue;
        }
        this.delivering = true;
        try {
          await deliver();
        } finally {
          this.delivering = false;
        }
      }
    } catch (err) {
      if (!isCancellation(err)) log.error(`${what} delivery loop stopped`, { error: String(err) });
    } finally {
      this.loopsRunning -= 1;
    }
  }

  private async deliverAlert(): Promise<void> {
    const key = this.state.outbox.alertKeys[0];
    const alert = this.state.alerts.find((a) => a.key === key);
    try {
      if (alert) {
        await bookkeepingActivities.raiseAlert.executeWithOptions(
          { summary: `alert ${alert.kind}: ${alert.message}`.slice(0, 200) },
          [
            {
              ...alert,
              gameDate: this.state.gameDate,
              workflowId: this.state.workflowId,
              dedupeScope: this.state.chainId,
            },
          ],
        );
      }
    } catch (err) {
      if (isCancellation(err)) throw err;
      log.error('alert delivery failed', { key, error: String(err) });
    }
    if (this.state.outbox.alertKeys[0] === key) this.state.outbox.alertKeys.shift();
  }

  private async writeLog(): Promise<void> {
    const batch = this.state.outbox.log.slice(0, LOG_BATCH);
    try {
      await bookkeepingActivities.writeExecutionLog.executeWithOptions(
        { summary: `execution log: ${batch.length} rows` },
        [batch],
      );
    } catch (err) {
      if (isCancellation(err)) throw err;
      log.error('execution log write failed; rows dropped', { rows: batch.length, error: String(err) });
    }
    this.state.outbox.log.splice(0, batch.length);
  }

  private async attributesWhenQuiet(): Promise<void> {
    try {
      for (;;) {
        await condition(() => this.attributesPending);
        for (let pass = 0; pass < SETTLE_PASSES; pass++) await nextConditionPass();
        // A troubled status (STUCK, BLOCKED, FAILED: what the UI is filtered on) is shown at once; a troubled step is
        // parked in a wait, not scheduling a trigger.
        await condition(() => this.quiet() || TROUBLED_STATUSES.includes(this.state.status));
        this.attributesPending = false;
        this.upsertAttributes();
      }
    } catch (err) {
      if (!isCancellation(err)) log.error('search attribute loop stopped', { error: String(err) });
    }
  }

  private attributesKey(): string {
    const { state } = this;
    return [state.gameDate, state.cycle, state.currentPhase ?? 0, state.status].join('|');
  }

  private upsertAttributes(): void {
    const { state } = this;
    const attributes = this.attributesKey();
    if (attributes === this.shownAttributes) return;
    this.shownAttributes = attributes;
    upsertSearchAttributes([
      { key: GameDateKey, value: state.gameDate },
      { key: PipelineCycleKey, value: state.cycle },
      { key: PipelinePhaseKey, value: state.currentPhase ? `phase${state.currentPhase}` : 'none' },
      { key: PipelineStatusKey, value: state.status },
    ]);
  }

  /**
   * Search attributes (when the day is quiet, or `now` at the end of a run) and the UI's details, written only when
   * they changed.
   */
  show(options: { now?: boolean } = {}): void {
    const { state } = this;
    this.metrics.observe(state);
    if (this.attributesKey() !== this.shownAttributes) {
      if (options.now || !patched(ATTRIBUTES_WHEN_QUIET_PATCH)) this.upsertAttributes();
      else this.attributesPending = true;
    }
    const details = detailsMarkdown(state);
    if (details !== this.shownDetails) {
      this.shownDetails = details;
      setCurrentDetails(details);
    }
  }
}
