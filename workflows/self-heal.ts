/**
 * Self-heal: scheduled (12:45 and 14:15 ET by default) and runnable by hand. For yesterday (whose overnight cycle
 * runs into this morning), today and tomorrow in the platform's zone it starts a game day's missing workflow and
 * applies the configured remedy to a step STUCK, BLOCKED or FAILED. Every action and every decision not to act is
 * in the result and the log; a second run in a row does nothing.
 */
import { log, proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { OperationsActivities, PipelineInspection } from '../activities';
import { addDays, dateInZone } from '../domain/dates';
import { gameDateInput } from './input';
import type { PhaseNumber } from '../domain/phases';
import { decideHeal, type HealDecision } from '../domain/self-heal';
import { bookkeepingActivities, readActivities } from './activity-proxies';

export const opsSettingsActivity = proxyLocalActivities<OperationsActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 3 },
});

/** Describe/query/update/start of other workflows; PipelineNotReady (a just-started date) is retried briefly. */
export const opsActivities = proxyActivities<OperationsActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10 },
});

export interface SelfHealInput {
  /** Dates to check (default: yesterday, today and tomorrow in the platform's zone). */
  dates?: string[];
  /** Recorded as the user of every forcePhase (default `self-heal`). */
  user?: string;
}

export interface SelfHealStep {
  gameDate: string;
  decision: HealDecision['kind'];
  reason: string;
  phase?: PhaseNumber;
  /** What happened: the workflow started, the force accepted or refused, nothing. */
  outcome: string;
  fixCommand?: string;
  at: string;
}

export interface SelfHealResult {
  checkedAt: string;
  dates: string[];
  steps: SelfHealStep[];
  /** Starts and accepted forces: 0 on a healthy day and on a second run in a row. */
  actionsTaken: number;
}

/** At most: start, then force; one force per date per run. */
const MAX_STEPS_PER_DATE = 3;

export async function selfHeal(input: SelfHealInput = {}): Promise<SelfHealResult> {
  const { policy } = await opsSettingsActivity.loadOperationsSettings();
  // Checked where the plain check was (after the settings), so runs stuck on a bad date before replay to a failure.
  const asked = input.dates?.map((d) => gameDateInput(d));
  const user = input.user ?? 'self-heal';
  const today = dateInZone(Date.now(), policy.timeZone);
  const dates = asked?.length ? asked : [addDays(today, -1), today, addDays(today, 1)];
  const result: SelfHealResult = { checkedAt: new Date().toISOString(), dates, steps: [], actionsTaken: 0 };
  const record = (step: Omit<SelfHealStep, 'at'>): void => {
    const full = { ...step, at: new Date().toISOString() };
    result.steps.push(full);
    log.info(`self-heal ${step.gameDate}: ${step.decision}: ${step.reason} -> ${step.outcome}`, { ...full });
  };

  for (const gameDate of dates) {
    const gamesScheduled = await readActivities.countScheduledGames.executeWithOptions(
      { summary: `self-heal: count the games of ${gameDate}` },
      [gameDate],
    );
    let justStarted = false;
    for (let step = 0; step < MAX_STEPS_PER_DATE; step++) {
      const inspection: PipelineInspection = await opsActivities.inspectPipeline.executeWithOptions(
        { summary: `self-heal: inspect the day of ${gameDate}` },
        [gameDate, { waitForPhases: justStarted }],
      );
      const decision = decideHeal({ ...inspection, gamesScheduled }, policy, Date.now());
      if (decision.kind === 'start') {
        const started = await opsActivities.startPipeline.executeWithOptions(
          { summary: `self-heal: start the day of ${gameDate} (${decision.reason})`.slice(0, 200) },
          [gameDate],
        );
        record({
          gameDate,
          decision: 'start',
          reason: decision.reason,
          outcome: started.started
            ? `started ${started.workflowId}`
            : `attached to ${started.workflowId} (already running)`,
        });
        if (started.started) result.actionsTaken += 1;
        justStarted = true;
        continue;
      }
      if (decision.kind === 'force') {
        const forced = await opsActivities.forcePipelinePhase.executeWithOptions(
          { summary: `self-heal: force phase ${decision.phase} of ${gameDate} (${decision.reason})`.slice(0, 200) },
          [{ gameDate, phase: decision.phase, reason: decision.reason, skipGates: decision.skipGates, user }],
        );
        record({
          gameDate,
          decision: 'force',
          phase: decision.phase,
          reason: decision.reason,
          outcome: forced.accepted
            ? `forced phase ${decision.phase}${decision.skipGates ? ' (gates skipped)' : ''}: ${forced.outcome}`
            : `refused by the workflow: ${forced.refusal}`,
        });
        if (forced.accepted) result.actionsTaken += 1;
        break;
      }
      if (decision.kind === 'decline') {
        let outcome = 'declined';
        if (decision.alert && inspection.execution) {
          await bookkeepingActivities.raiseAlert({
            key: `${inspection.workflowId}:${decision.alert.kind}:self-heal`,
            kind: decision.alert.kind,
            phase: decision.alert.phase,
            message: decision.alert.message,
            fixCommand: decision.fixCommand,
            raisedAt: new Date().toISOString(),
            gameDate,
            workflowId: inspection.workflowId,
            // Once per closed run, however many self-heals see it.
            dedupeScope: inspection.execution.runId,
          });
          outcome = 'declined; alert raised (sent once per run)';
        }
        record({ gameDate, decision: 'decline', reason: decision.reason, outcome, fixCommand: decision.fixCommand });
        break;
      }
      record({ gameDate, decision: 'none', reason: decision.reason, outcome: 'nothing to do' });
      break;
    }
  }
  log.info(`self-heal done: ${result.actionsTaken} actions`, { workflowId: workflowInfo().workflowId });
  return result;
}
