/**
 * What the Temporal UI shows of a date's workflow from its start (static summary and details), wherever it is
 * started: the CLI and bridge (clients/pipeline-client), the schedules (workflows/scheduled-pipeline), self-heal.
 * The current details, kept up to date as the day runs, are the workflow's own (domain/day-summary).
 */
import type { PipelineInput } from '../contracts/workflow-api';

export function dayStartSummary(input: PipelineInput): { staticSummary: string; staticDetails: string } {
  return {
    staticSummary: `Game date ${input.gameDate}: its whole day (D-1 evening to D+1 morning)`,
    staticDetails: [
      `**${input.gameDate}** · started by ${input.startedBy ?? 'unknown'}${input.cycle ? ` · from the ${input.cycle} cycle` : ''}`,
      '',
      'Cycles: tomorrow (D-1 17:00) -> same_day (D 05:00) -> overnight (D 17:00 to D+1 09:00), each a run of this workflow.',
      'Current details show the cycle, the step it waits for and until when. Query `pipelineState` for everything.',
    ].join('\n'),
  };
}
