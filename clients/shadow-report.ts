/**
 * The evidence before switching: per date, cycle and phase (4, 5), what the legacy orchestrator did (its Firestore
 * documents) beside what Gameday decided in shadow or coexist mode (each step's claim record in the workflow state),
 * and which of the two would have triggered first.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Firestore } from '@google-cloud/firestore';
import { completionsOf, guardDoc, triggerFields } from '../activities/firestore/legacy-docs';
import type { GamedayConfig } from '../config/schema';
import type { ExecutionLogEvent } from '../contracts/execution-log';
import type { DayState, LegacyClaim } from '../contracts/state';
import { pipelineStateQuery } from '../contracts/workflow-api';
import { CYCLES, type Cycle } from '../domain/cycles';
import { planDay } from '../domain/day-plan';
import type { ClaimedPhase } from '../domain/legacy';
import { publishedKey, type PublishedByDate } from './legacy-trigger-topics';
import { workflowIdFor } from './pipeline-client';

export type ShadowFirst = 'gameday' | 'legacy' | 'neither';

export interface ShadowRow {
  gameDate: string;
  cycle: Cycle;
  phase: ClaimedPhase;
  legacy: {
    triggered: boolean;
    at?: string;
    reason?: string;
    completions: number;
    /** Its trigger messages seen on the trigger topic in this cycle (absent: no trigger subscription configured). */
    published?: { messages: number; firstAt?: string };
    /** `_triggered` latched in this cycle with no trigger message seen: the legacy's failure mode 1/3. */
    latchedWithoutPublishing?: boolean;
  };
  /** Gameday's decision in this cycle (undefined: no step of the phase reached its claim, or no workflow). */
  gameday?: LegacyClaim & { step: string; stepStatus: string };
  /** Who triggered (or would have) first in this cycle; minutes from Gameday's decision to the legacy's trigger. */
  first: ShadowFirst;
  gamedayLeadMinutes?: number;
}

const GAMEDAY_WOULD = new Set(['would-trigger', 'claimed', 'ours', 'legacy-earlier']);

export async function shadowReport(
  client: Client,
  db: Firestore,
  config: GamedayConfig,
  dates: string[],
  published?: PublishedByDate,
): Promise<ShadowRow[]> {
  const rows: ShadowRow[] = [];
  for (const gameDate of dates) {
    const state = await stateOf(client, workflowIdFor(config, gameDate));
    const plan = planDay(gameDate, config.lifecycle, config.timeZone);
    for (const phase of [4, 5] as const) {
      const data = (await guardDoc(db, config, phase, gameDate).get()).data();
      const legacy = { ...triggerFields(data), completions: completionsOf(data).length };
      for (const cycle of CYCLES) {
        const from = state ? Date.parse(state.cycles[cycle].countFrom) : plan.cycles[cycle].countFrom;
        const to = state ? Date.parse(state.cycles[cycle].endsAt) : plan.cycles[cycle].endsAt;
        const seen = published?.get(publishedKey(gameDate, phase));
        rows.push(compare(gameDate, cycle, phase, legacy, state, from, to, published ? (seen ?? null) : undefined));
      }
    }
  }
  return rows;
}

export function compare(
  gameDate: string,
  cycle: Cycle,
  phase: ClaimedPhase,
  legacy: ReturnType<typeof triggerFields> & { completions: number },
  state: DayState | undefined,
  from: number,
  to: number,
  published?: { firstAt: string; messages: number } | null,
): ShadowRow {
  const legacyAt = legacy.triggeredBy === 'gameday' ? undefined : (legacy.triggeredAt ?? legacy.triggerPendingAt);
  const inCycle = legacyAt !== undefined && Date.parse(legacyAt) >= from && Date.parse(legacyAt) < to;
  const kind = phase === 4 ? 'phase4' : 'prediction-wave';
  const step = state?.cycles[cycle].steps.find((s) => s.kind === kind && s.legacy);
  const gameday = step?.legacy ? { ...step.legacy, step: step.id, stepStatus: step.status } : undefined;
  const gamedayAt = gameday && GAMEDAY_WOULD.has(gameday.outcome) ? Date.parse(gameday.at) : undefined;
  const legacyMs = inCycle ? Date.parse(legacyAt) : undefined;
  const publishedInCycle =
    published && Date.parse(published.firstAt) >= from && Date.parse(published.firstAt) < to ? published : undefined;
  let first: ShadowFirst = 'neither';
  if (gamedayAt !== undefined && (legacyMs === undefined || gamedayAt <= legacyMs)) first = 'gameday';
  else if (legacyMs !== undefined) first = 'legacy';
  return {
    gameDate,
    cycle,
    phase,
    legacy: {
      triggered: inCycle,
      at: inCycle ? legacyAt : undefined,
      reason: inCycle ? legacy.triggerReason : undefined,
      completions: legacy.completions,
      ...(published === undefined
        ? {}
        : {
            published: { messages: publishedInCycle?.messages ?? 0, firstAt: publishedInCycle?.firstAt },
            latchedWithoutPublishing: inCycle && legacy.triggered && !publishedInCycle,
          }),
    },
    gameday,
    first,
    gamedayLeadMinutes:
      gamedayAt !== undefined && legacyMs !== undefined ? Math.round((legacyMs - gamedayAt) / 60_000) : undefined,
  };
}

/** The report as rows of the execution log (processor `shadow_report`): one per date, cycle and phase, idempotent. */
export function shadowLogEvents(rows: ShadowRow[], config: GamedayConfig): ExecutionLogEvent[] {
  return rows.map((row) => ({
    executionId: `shadow:${row.gameDate}:${row.cycle}:phase${row.phase}`,
    processorName: 'shadow_report',
    phase: row.phase === 4 ? 'phase_4_precompute' : 'phase_5_predictions',
    triggeredAt: row.gameday?.at ?? row.legacy.at ?? new Date(`${row.gameDate}T12:00:00Z`).toISOString(),
    completedAt: row.legacy.at,
    status: `first_${row.first}`,
    dataDate: row.gameDate,
    triggerSource: 'gameday-shadow-report',
    correlationId: workflowIdFor(config, row.gameDate),
    recordsProcessed: row.legacy.completions,
    errorMessage: [
      `${row.cycle}`,
      `gameday: ${row.gameday ? `${row.gameday.outcome} at ${row.gameday.at} (${row.gameday.reason})` : 'no decision'}`,
      `legacy: ${row.legacy.triggered ? `triggered at ${row.legacy.at} (${row.legacy.reason ?? '?'})` : 'no trigger in this cycle'}`,
      row.legacy.published ? `legacy published ${row.legacy.published.messages} trigger messages` : '',
      row.legacy.latchedWithoutPublishing ? 'LATCHED WITHOUT PUBLISHING' : '',
      row.gamedayLeadMinutes !== undefined ? `Gameday ${row.gamedayLeadMinutes} min ahead` : '',
    ]
      .filter(Boolean)
      .join('; '),
  }));
}

async function stateOf(client: Client, workflowId: string): Promise<DayState | undefined> {
  try {
    return await client.workflow.getHandle(workflowId).query(pipelineStateQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}
