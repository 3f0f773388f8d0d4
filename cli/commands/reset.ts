import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { recordActionUpdate } from '../../contracts/workflow-api';
import type { OperatorAction } from '../../contracts/state';
import { virtualNow } from '../../domain/clock';
import type { PhaseNumber } from '../../domain/phases';
import { parseDate, parsePhase, requireReason } from '../args';
import { action, withCommon, type CommandModule } from '../command';
import { notFound, refused, usageError } from '../errors';
import { EXIT } from '../exit-codes';
import { loadDateRun } from '../pipeline';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** The activities whose first scheduling marks the start of each phase's work in a cycle's run. */
export const PHASE_START_ACTIVITY: Partial<Record<PhaseNumber, string[]>> = {
  3: ['triggerAnalytics'],
  // Phase 4's first call carries its data gate (runs since the gate rides with it); a reset runs the gate again.
  4: ['runPrecomputeProcessorBehindGate', 'runPrecomputeProcessor'],
  5: ['startPredictionBatch', 'publishGradingTrigger'],
  6: ['publishExportTrigger'],
};

export type ResetTarget = PhaseNumber | 'last-task';

export function parseResetTarget(input: string): ResetTarget {
  if (input === 'last-task') return input;
  const phase = parsePhase(input);
  if (!PHASE_START_ACTIVITY[phase]) {
    throw usageError(
      `cannot reset to phase ${phase}: Gameday observes phases 1-2 and runs nothing for them; use --to 3, 4, 5, 6 or last-task`,
    );
  }
  return phase;
}

export async function fetchEvents(client: Client, workflowId: string, runId: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await client.workflowService.getWorkflowExecutionHistory({
      namespace: client.options.namespace,
      execution: { workflowId, runId },
      nextPageToken,
      maximumPageSize: 1000,
    });
    events.push(...(page.history?.events ?? []));
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return events;
}

/** The WorkflowTaskCompleted event just before the phase's first activity was scheduled (or the last one). */
export function resetPoint(events: HistoryEvent[], target: ResetTarget): HistoryEvent | undefined {
  const EventType = temporal.api.enums.v1.EventType;
  const completed = (e: HistoryEvent) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
  if (target === 'last-task') return [...events].reverse().find(completed);
  const activities = PHASE_START_ACTIVITY[target] ?? [];
  const index = events.findIndex(
    (e) =>
      e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED &&
      activities.includes(e.activityTaskScheduledEventAttributes?.activityType?.name ?? ''),
  );
  if (index < 0) return undefined;
  return events.slice(0, index).reverse().find(completed);
}

export const resetCommand: CommandModule = {
  name: 'reset',
  register(program: Command) {
    withCommon(
      program
        .command('reset')
        .description(
          "Temporal reset of the date's current cycle to just before a phase started (or its last workflow task): that phase and what followed run again with fresh idempotency keys; messages are re-applied; operator actions stay in the record",
        )
        .argument('<date>', 'game date YYYY-MM-DD, today, yesterday or tomorrow')
        .requiredOption('--to <phase|last-task>', 'phase 3-6 (its first activity is re-run) or last-task')
        .requiredOption('--reason <text>', 'why; recorded in the reset request as "user: reason"'),
      [
        'gameday reset 2025-12-29 --to 4 --reason "precompute ran on stale analytics"',
        'gameday reset 2025-12-29 --to last-task --reason "worker bug fixed" --json',
      ],
    ).action(
      action<{ to: string; reason: string }>(async (ctx, args, options) => {
        const gameDate = parseDate(args[0], 'date', ctx.config.timeZone);
        const target = parseResetTarget(options.to);
        const reason = requireReason(options.reason);
        const client = await ctx.client();
        const run = await loadDateRun(client, ctx.config, gameDate);
        if (!run) throw notFound(`no workflow for ${gameDate}`, { gameDate });
        const events = await fetchEvents(client, run.workflowId, run.runId);
        const point = resetPoint(events, target);
        if (!point?.eventId) {
          throw refused(
            target === 'last-task'
              ? `run ${run.runId} of ${gameDate} has no completed workflow task to reset to`
              : `phase ${target} has not started in this cycle's run (${run.state?.cycle ?? '?'}, run ${run.runId}: no ${(PHASE_START_ACTIVITY[target] ?? []).join(' or ')} activity yet); earlier cycles are earlier runs: use \`gameday rerun ${gameDate} --cycle ...\``,
            { gameDate, runId: run.runId },
          );
        }
        // Updates are not re-applied by a reset: the operator actions after the reset point go back into the record.
        const pointMs = point.eventTime?.seconds
          ? Number(point.eventTime.seconds) * 1000 + Math.floor((point.eventTime.nanos ?? 0) / 1e6)
          : Date.now();
        const state = run.state;
        const discarded: OperatorAction[] = state
          ? state.operatorActions.filter((a) => Date.parse(a.at) > virtualNow(state.clock, pointMs))
          : [];
        const fullReason = `${ctx.user}: ${reason}`;
        const response = await client.workflowService.resetWorkflowExecution({
          namespace: ctx.namespace,
          workflowExecution: { workflowId: run.workflowId, runId: run.runId },
          reason: fullReason,
          workflowTaskFinishEventId: point.eventId,
          requestId: randomUUID(),
          resetReapplyType: temporal.api.enums.v1.ResetReapplyType.RESET_REAPPLY_TYPE_SIGNAL,
          resetReapplyExcludeTypes: [temporal.api.enums.v1.ResetReapplyExcludeType.RESET_REAPPLY_EXCLUDE_TYPE_UPDATE],
          identity: ctx.identity,
        });
        const eventId = Number(point.eventId);
        const newRun = client.workflow.getHandle(run.workflowId, response.runId);
        // A run that closes at once (a closed day reset to its last task) takes no update: say so, exit 1.
        const recordError = await newRun
          .executeUpdate(recordActionUpdate, {
            args: [
              {
                action: 'reset',
                reason: `reset to ${target === 'last-task' ? 'the last workflow task' : `before phase ${target}`}: ${reason}`,
                user: ctx.user,
                discarded: discarded.map((a) => ({
                  at: a.at,
                  action: a.action,
                  phase: a.phase,
                  reason: a.reason,
                  user: a.user,
                })),
              },
            ],
          })
          .then(
            () => undefined,
            (err: Error) => err.message,
          );
        const link = ctx.uiLink(run.workflowId, response.runId);
        ctx.print(
          [
            `Reset ${gameDate} to ${target === 'last-task' ? 'its last workflow task' : `before phase ${target}`} (event ${eventId} of run ${run.runId})`,
            `New run: ${response.runId}`,
            `Reason: ${fullReason}`,
            ...(discarded.length
              ? [`Operator actions after the reset point, kept in the record: ${discarded.length}`]
              : []),
            ...(recordError ? [`Not in the day's record: recording the reset failed: ${recordError}`] : []),
            `UI: ${link}`,
          ],
          {
            gameDate,
            workflowId: run.workflowId,
            previousRunId: run.runId,
            runId: response.runId,
            target,
            eventId,
            reason: fullReason,
            uiUrl: link,
            recorded: !recordError,
            ...(recordError ? { recordError } : {}),
          },
        );
        return recordError ? EXIT.DEGRADED : EXIT.OK;
      }),
    );
  },
};
