import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { deliverCompletion } from '../../clients/pipeline-client';
import type { GamedayConfig } from '../../config/schema';
import { parseCompletionMessage, type CompletionMessage } from '../../domain/completion-message';
import { MESSAGE_PHASES, type MessagePhase } from '../../domain/phases';
import { parseDate, parseInteger, parsePhase } from '../args';
import { action, withCommon, type CommandModule } from '../command';
import { refused, usageError } from '../errors';

type MessagePhaseNumber = 1 | 2 | 3 | 4 | 5;
const MESSAGE_PHASE_OF = Object.fromEntries(Object.entries(MESSAGE_PHASES).map(([name, n]) => [n, name])) as Record<
  MessagePhaseNumber,
  MessagePhase
>;

/** Finds a processor by normalised name, class name or output table; unknown or ambiguous is a usage error. */
export function findProcessor(config: GamedayConfig, input: string, phase?: MessagePhaseNumber) {
  const phases = (phase ? [phase] : [1, 2, 3, 4, 5]) as MessagePhaseNumber[];
  const matches = phases.flatMap((p) =>
    config.processors[p]
      .filter((spec) => [spec.name, spec.className, spec.outputTable].includes(input))
      .map((spec) => ({ phase: p, spec })),
  );
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) {
    throw usageError(`processor ${input} is known in phases ${matches.map((m) => m.phase).join(', ')}: pass --phase`);
  }
  const known = phases.map((p) => `  phase ${p}: ${config.processors[p].map((s) => s.name).join(', ')}`).join('\n');
  throw usageError(
    `unknown processor ${JSON.stringify(input)}${phase ? ` for phase ${phase}` : ''}; known processors:\n${known}`,
  );
}

export const completeCommand: CommandModule = {
  name: 'complete',
  register(program: Command) {
    withCommon(
      program
        .command('complete')
        .description("deliver a processor's completion by hand: the same signal (with start) the bridge sends")
        .argument('<date>', 'game date YYYY-MM-DD, today, yesterday or tomorrow')
        .argument('<processor>', 'processor name, class name or output table (e.g. upcoming_team_game_context)')
        .option('--records <n>', 'record_count of the message', '0')
        .option('--phase <n>', 'the processor phase (1-5), when the name alone is ambiguous')
        .option('--status <status>', 'success | partial | no_data | failed', 'success')
        .option('--reason <text>', 'why; recorded in the message metadata with your user name'),
      [
        'gameday complete 2025-12-29 upcoming_team_game_context --records 30 --reason "ran by hand"',
        'gameday complete 2025-12-29 UpcomingTeamGameContextProcessor --phase 3',
      ],
    ).action(
      action<{ records: string; phase?: string; status: string; reason?: string }>(async (ctx, args, options) => {
        const gameDate = parseDate(args[0], 'date', ctx.config.timeZone);
        const phase =
          options.phase !== undefined ? (parsePhase(options.phase, [1, 2, 3, 4, 5]) as MessagePhaseNumber) : undefined;
        const records = parseInteger(options.records, '--records', 0);
        const { phase: processorPhase, spec } = findProcessor(ctx.config, args[1], phase);
        const workflowId = `${ctx.config.temporal.workflowIdPrefix}${gameDate}`;
        const candidate = {
          processor_name: spec.className,
          phase: MESSAGE_PHASE_OF[processorPhase],
          execution_id: `manual-${randomUUID()}`,
          correlation_id: workflowId,
          game_date: gameDate,
          output_table: spec.outputTable,
          status: options.status,
          record_count: records,
          records_failed: 0,
          timestamp: new Date().toISOString(),
          trigger_source: 'gameday-cli',
          metadata: { user: ctx.user, reason: options.reason ?? 'manual completion', manual: true },
        };
        const parsed = parseCompletionMessage(candidate);
        if (!parsed.ok) throw usageError(parsed.error);
        const message: CompletionMessage = parsed.value;
        const client = await ctx.client();
        const result = await deliverCompletion(client, ctx.config, message);
        if (!result.delivered) {
          throw refused(
            result.reason === 'closed'
              ? `the ${gameDate} pipeline already ran (workflow ${result.workflowId} is closed): nothing was delivered; use \`gameday rerun\``
              : `no pipeline is running for ${gameDate} (outside the ${ctx.config.bridge.startWindowDays}-day start window): nothing was delivered; use \`gameday start ${gameDate}\` first`,
            { gameDate, workflowId: result.workflowId },
          );
        }
        ctx.print(
          `Delivered ${spec.name} (${spec.className}, phase ${processorPhase}) for ${gameDate} to run ${result.runId}: execution ${message.execution_id}`,
          { gameDate, workflowId: result.workflowId, runId: result.runId, message },
        );
      }),
    );
  },
};
