/**
 * Moves an in-flight date from the legacy orchestrator to Gameday: the completions its Firestore documents hold
 * become the messages the platform published, delivered to the date's workflow as the bridge delivers them
 * (signal-with-start). Only what the workflow has not counted is sent; each message ID is derived from the document
 * and processor, so an import repeated or overlapping a redelivery changes nothing.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Firestore } from '@google-cloud/firestore';
import { completionsOf, countedDoc, triggerFields, type CountedPhase } from '../activities/firestore/legacy-docs';
import type { GamedayConfig } from '../config/schema';
import type { DayState } from '../contracts/state';
import { pipelineStateQuery } from '../contracts/workflow-api';
import type { LegacyTriggerFields } from '../domain/legacy';
import { MESSAGE_PHASES } from '../domain/messages';
import { processorKey } from '../workflows/day/record';
import { signalDate, workflowIdFor } from './pipeline-client';

const PHASE_FIELD = Object.fromEntries(Object.entries(MESSAGE_PHASES).map(([field, n]) => [n, field])) as Record<
  CountedPhase,
  string
>;

export type ImportOutcome = 'delivered' | 'already-counted' | 'not-counted-status' | 'unknown-processor' | 'closed';

export interface ImportedCompletion {
  phase: CountedPhase;
  processor: string;
  status: string;
  completedAt?: string;
  messageId: string;
  outcome: ImportOutcome;
}

export interface DateImport {
  gameDate: string;
  workflowId: string;
  /** The workflow was running (or closed) before the import. */
  existed: boolean;
  legacy: Record<'phase3' | 'phase4', LegacyTriggerFields & { found: boolean }>;
  completions: ImportedCompletion[];
  delivered: number;
}

export async function importLegacyDate(
  client: Client,
  db: Firestore,
  config: GamedayConfig,
  gameDate: string,
  options: { user?: string; dryRun?: boolean } = {},
): Promise<DateImport> {
  const workflowId = workflowIdFor(config, gameDate);
  const state = await currentState(client, workflowId);
  const result: DateImport = {
    gameDate,
    workflowId,
    existed: state !== undefined,
    legacy: {} as DateImport['legacy'],
    completions: [],
    delivered: 0,
  };
  for (const phase of [3, 4] as const) {
    const ref = countedDoc(db, config, phase, gameDate);
    const snapshot = await ref.get();
    result.legacy[phase === 3 ? 'phase3' : 'phase4'] = { ...triggerFields(snapshot.data()), found: snapshot.exists };
    for (const entry of completionsOf(snapshot.data())) {
      const messageId = `legacy-import:${ref.path}/${entry.processor}`;
      const record: ImportedCompletion = { phase, ...entry, messageId, outcome: 'delivered' };
      result.completions.push(record);
      const spec = config.processors[phase].find((p) => p.name === entry.processor);
      if (!spec) {
        record.outcome = 'unknown-processor';
        continue;
      }
      if (entry.status !== 'success' && entry.status !== 'partial') {
        record.outcome = 'not-counted-status';
        continue;
      }
      if (counted(state, phase, entry.processor)) {
        record.outcome = 'already-counted';
        continue;
      }
      if (options.dryRun) continue;
      const message = {
        processor_name: spec.className,
        phase: PHASE_FIELD[phase],
        execution_id: entry.executionId ?? `legacy-${entry.processor}`,
        correlation_id: entry.correlationId ?? workflowId,
        game_date: gameDate,
        output_table: spec.outputTable,
        status: entry.status,
        record_count: entry.recordCount ?? 0,
        records_failed: 0,
        timestamp: entry.completedAt ?? new Date().toISOString(),
        trigger_source: 'legacy-import',
        metadata: { imported_from: ref.path, imported_by: options.user ?? 'gameday' },
      };
      const delivery = await signalDate(
        client,
        config,
        gameDate,
        message,
        { messageId },
        {
          start: true,
          startedBy: `gameday import-legacy${options.user ? ` by ${options.user}` : ''}`,
        },
      );
      if (delivery.delivered) result.delivered += 1;
      else record.outcome = 'closed';
    }
  }
  return result;
}

/** The workflow's state, or undefined when no workflow exists for the date (or it cannot answer). */
async function currentState(client: Client, workflowId: string): Promise<DayState | undefined> {
  try {
    return await client.workflow.getHandle(workflowId).query(pipelineStateQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

function counted(state: DayState | undefined, phase: CountedPhase, processor: string): boolean {
  const runs = state?.processors[processorKey(phase, processor)]?.runs ?? [];
  return runs.some((r) => r.status === 'success' || r.status === 'partial');
}
