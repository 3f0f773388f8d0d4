/** The pipeline's state and the pure rules that change it; deterministic, shared with tests. */
import { countsAsComplete, parseCompletionMessage } from '../domain/completion-message';
import type { PipelineMode } from '../domain/dates';
import { MESSAGE_PHASES, PHASE_NAMES, PHASES, type PhaseNumber } from '../domain/phases';
import type { PhaseState, PipelineState, ProcessorStatus } from '../domain/pipeline-state';
import { normalizeProcessorName } from '../domain/processors';
import type { RunSettings } from '../domain/run-settings';

export function createPipelineState(gameDate: string, workflowId: string, runId: string, now: string): PipelineState {
  const phases = Object.fromEntries(
    PHASES.map((phase): [PhaseNumber, PhaseState] => [
      phase,
      { phase, name: PHASE_NAMES[phase], status: 'PENDING', processors: {} },
    ]),
  ) as Record<PhaseNumber, PhaseState>;
  return {
    gameDate,
    workflowId,
    runId,
    status: 'RUNNING',
    startedAt: now,
    phases,
    alerts: [],
    rejectedMessages: [],
    duplicateMessages: 0,
    operatorActions: [],
  };
}

/** Lists the processors each phase waits for in this mode as PENDING, so the state shows what is missing. */
export function seedProcessors(state: PipelineState, settings: RunSettings, mode: PipelineMode): void {
  const expected = (phase: 1 | 2 | 3 | 4 | 5): string[] =>
    phase <= 3 ? settings.modes[mode][phase as 1 | 2 | 3].expected : settings.processors[phase].map((p) => p.name);
  for (const phase of [1, 2, 3, 4, 5] as const) {
    state.phases[phase].expectedProcessors = expected(phase);
    for (const name of expected(phase)) state.phases[phase].processors[name] ??= { status: 'PENDING' };
  }
}

export type CompletionOutcome =
  | { kind: 'recorded'; phase: PhaseNumber; processor: string; counted: boolean }
  | { kind: 'duplicate'; reason: string }
  | { kind: 'rejected'; reason: string };

const STATUS_FOR_MESSAGE: Record<string, ProcessorStatus> = {
  failed: 'FAILED',
  no_data: 'NO_DATA',
  skipped: 'SKIPPED',
};

/**
 * Applies one completion message. Duplicates (same execution_id, or a processor already complete)
 * change nothing; failed/no_data are recorded but do not count; a message for another date or an
 * unknown processor is rejected and recorded, never thrown.
 */
export function applyCompletion(
  state: PipelineState,
  settings: RunSettings,
  raw: unknown,
  seenExecutionIds: Set<string>,
  now: string,
): CompletionOutcome {
  const reject = (reason: string, fields: Record<string, string | undefined> = {}): CompletionOutcome => {
    state.rejectedMessages.push({ receivedAt: now, reason, ...fields });
    return { kind: 'rejected', reason };
  };
  const parsed = parseCompletionMessage(raw);
  if (!parsed.ok) return reject(parsed.error);
  const message = parsed.value;
  const ids = { processorName: message.processor_name, gameDate: message.game_date, executionId: message.execution_id };
  if (message.game_date !== state.gameDate) {
    return reject(`message for ${message.game_date} delivered to the ${state.gameDate} pipeline`, ids);
  }
  const phase = MESSAGE_PHASES[message.phase];
  const known = settings.processors[phase as 1] ?? [];
  const name = normalizeProcessorName(message.processor_name, message.output_table, known);
  if (!name) return reject(`unknown processor ${message.processor_name} for phase ${phase}`, ids);
  if (seenExecutionIds.has(message.execution_id)) {
    state.duplicateMessages += 1;
    return { kind: 'duplicate', reason: `execution ${message.execution_id} already received` };
  }
  seenExecutionIds.add(message.execution_id);
  const processors = state.phases[phase].processors;
  const current = processors[name];
  if (current?.status === 'COMPLETE') {
    state.duplicateMessages += 1;
    return { kind: 'duplicate', reason: `${name} already complete` };
  }
  const counted = countsAsComplete(message.status);
  processors[name] = {
    status: counted ? 'COMPLETE' : STATUS_FOR_MESSAGE[message.status],
    messageStatus: message.status,
    completedAt: counted ? message.timestamp : undefined,
    recordCount: message.record_count,
    executionId: message.execution_id,
    error: counted ? undefined : message.error_message,
  };
  return { kind: 'recorded', phase, processor: name, counted };
}

export function completedProcessors(phase: PhaseState): Set<string> {
  return new Set(
    Object.entries(phase.processors)
      .filter(([, p]) => p.status === 'COMPLETE')
      .map(([name]) => name),
  );
}

export function isFinished(phase: PhaseState): boolean {
  return phase.status === 'COMPLETE' || phase.status === 'SKIPPED';
}
