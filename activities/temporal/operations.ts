/**
 * Activities that talk to Temporal itself on behalf of the selfHeal and dailySummary workflows (workflows cannot
 * describe, query, update or start other workflows through a client). They use the worker's Client from the
 * activity Context, or the one passed in.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowExecutionDescription,
} from '@temporalio/client';
import { startOrAttach, workflowIdFor } from '../../clients/pipeline-client';
import { toRunSettings } from '../../config/run-settings';
import type { GamedayConfig } from '../../config/schema';
import { PHASES, type PhaseNumber } from '../../domain/phases';
import type { DayState } from '../../contracts/state';
import { forcePhaseUpdate, pipelineStateQuery, type GameDatePipelineWorkflow } from '../../contracts/workflow-api';
import type { SelfHealPolicy } from '../../domain/self-heal';

export interface OperationsSettings {
  policy: SelfHealPolicy;
  /** The daily summary covers today (in the platform's zone) shifted by each offset. */
  summaryDateOffsets: number[];
}

export interface PipelineInspection {
  gameDate: string;
  workflowId: string;
  execution?: { status: string; runId: string; startTime: string; closeTime?: string };
  state?: DayState;
}

export interface ForceRequest {
  gameDate: string;
  phase: PhaseNumber;
  reason: string;
  skipGates: boolean;
  user: string;
}

export type ForceOutcome = { accepted: true; outcome: string; status: string } | { accepted: false; refusal: string };

export interface TemporalOpsDeps {
  config: GamedayConfig;
  /** Default: the worker's client from the activity Context. */
  client?: Client;
}

const NOT_READY = /the day is starting/;

export function temporalActivities({ config, client }: TemporalOpsDeps) {
  const run = toRunSettings(config);
  const settings: OperationsSettings = {
    policy: {
      timeZone: run.timeZone,
      slaMs: run.slaMs,
      remedies: Object.fromEntries(
        PHASES.map((p) => [p, config.selfHeal.remedies[String(p) as '1']]),
      ) as SelfHealPolicy['remedies'],
    },
    summaryDateOffsets: config.schedules.dailySummary.dateOffsetsDays,
  };
  const temporal = (): Client => client ?? Context.current().client;

  async function describe(workflowId: string): Promise<WorkflowExecutionDescription | undefined> {
    try {
      return await temporal().workflow.getHandle(workflowId).describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  return {
    /** A local activity: recorded in history, never re-read on replay. */
    async loadOperationsSettings(): Promise<OperationsSettings> {
      return settings;
    },

    /**
     * The date's workflow and its state: the query answer while it runs, its result once it completed.
     * With `waitForPhases`, a running workflow that has not started its phases yet fails retryably.
     */
    async inspectPipeline(gameDate: string, options: { waitForPhases?: boolean } = {}): Promise<PipelineInspection> {
      const workflowId = workflowIdFor(config, gameDate);
      const description = await describe(workflowId);
      if (!description) return { gameDate, workflowId };
      const execution = {
        status: description.status.name,
        runId: description.runId,
        startTime: description.startTime.toISOString(),
        closeTime: description.closeTime?.toISOString(),
      };
      const handle = temporal().workflow.getHandle<GameDatePipelineWorkflow>(workflowId, description.runId);
      let state: DayState | undefined;
      if (execution.status === 'RUNNING') {
        state = await handle.query(pipelineStateQuery).catch(() => undefined);
        if (options.waitForPhases && (state === undefined || state.status === 'STARTING')) {
          throw ApplicationFailure.retryable(`${workflowId} has not started its phases yet`, 'PipelineNotReady');
        }
      } else if (execution.status === 'COMPLETED') {
        state = await handle.result().catch(() => undefined);
      }
      return { gameDate, workflowId, execution, state };
    },

    /** Starts the date's pipeline, or attaches to the one running. */
    async startPipeline(gameDate: string): Promise<{ workflowId: string; runId?: string; started: boolean }> {
      const { handle, started } = await startOrAttach(temporal(), config, { gameDate });
      return {
        workflowId: handle.workflowId,
        runId: (handle as { firstExecutionRunId?: string }).firstExecutionRunId,
        started,
      };
    },

    /** The forcePhase update. A refusal by the workflow's validator is an answer, not a failure. */
    async forcePipelinePhase(request: ForceRequest): Promise<ForceOutcome> {
      const handle = temporal().workflow.getHandle<GameDatePipelineWorkflow>(workflowIdFor(config, request.gameDate));
      try {
        const result = await handle.executeUpdate(forcePhaseUpdate, {
          args: [{ phase: request.phase, reason: request.reason, skipGates: request.skipGates, user: request.user }],
        });
        if (!result.applied) return { accepted: false, refusal: result.outcome };
        return { accepted: true, outcome: result.outcome, status: result.state.status };
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) {
          const refusal = (err.cause as Error | undefined)?.message ?? err.message;
          if (NOT_READY.test(refusal)) throw ApplicationFailure.retryable(refusal, 'PipelineNotReady');
          return { accepted: false, refusal };
        }
        throw err;
      }
    },
  };
}

export type TemporalActivities = ReturnType<typeof temporalActivities>;
