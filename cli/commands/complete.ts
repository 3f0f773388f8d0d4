import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { signalDate } from '../../clients/pipeline-client';
import type { GamedayConfig } from '../../config/schema';
import { bridgeToday } from '../../bridge/today';
import { routeMessage } from '../../bridge/route';
import { pipelineStateQuery } from '../../contracts/workflow-api';
import { clockFrom, virtualNow } from '../../domain/clock';
import { pipelineWorkflowId } from '../../domain/run-settings';
import { interpretMessage, MESSAGE_STATUSES } from '../../domain/messages';
import { parseDate, parseInteger, parsePhase } from '../args';
import { action, withCommon, type CommandModule } from '../command';
import { refused, usageError } from '../errors';

/** How long `complete` asks the running day for its clock (a day without a worker does not answer). */
const DAY_CLOCK_QUERY_MS = 3000;

type MessagePhaseNumber = 1 | 2 | 3 | 4 | 5;
const MESSAGE_PHASE_OF: Record<MessagePhaseNumber, string> = {
  1: 'phase_1_scrapers',
  2: 'phase_2_raw',
  3: 'phase_3_analytics',
  4: 'phase_4_precompute',
  5: 'phase_5_predictions',
};

/** Finds a processor by name, class name, alias or output table; unknown or ambiguous is a usage error. */
export function findProcessor(config: GamedayConfig, input: string, phase?: MessagePhaseNumber) {
  const phases = (phase ? [phase] : [1, 2, 3, 4, 5]) as MessagePhaseNumber[];
  const matches = phases.flatMap((p) =>
    config.processors[p]
      .filter((spec) => [spec.name, spec.className, spec.outputTable, ...(spec.aliases ?? [])].includes(input))
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
        .description(
          "deliver a processor's completion by hand: the message the platform would publish, as the bridge delivers it",
        )
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
        const phase = options.phase !== undefined ? (parsePhase(options.phase) as MessagePhaseNumber) : undefined;
        if (phase !== undefined && phase > 5)
          throw usageError(`phase ${phase} publishes no processor completions: expected 1-5`);
        const records = parseInteger(options.records, '--records', 0);
        if (!(MESSAGE_STATUSES as readonly string[]).includes(options.status)) {
          throw usageError(
            `unknown --status ${JSON.stringify(options.status)}: expected ${MESSAGE_STATUSES.join(', ')}`,
          );
        }
        const { phase: processorPhase, spec } = findProcessor(ctx.config, args[1], phase);
        const executionId = randomUUID().slice(0, 8);
        // Stamped in the day's time (the wall clock in production): a cycle counts the completions published in it.
        // Checked on the config's clock before connecting; then the running day's own clock (`npm start`'s stack
        // compresses it in its process) stamps it.
        const realNow = Date.now();
        const dayNow = virtualNow(clockFrom({ scale: ctx.config.timeScale, ...ctx.config.clock }, realNow), realNow);
        const message = {
          processor_name: processorPhase === 1 ? spec.name : spec.className,
          phase: MESSAGE_PHASE_OF[processorPhase],
          execution_id: executionId,
          correlation_id: `${ctx.config.temporal.workflowIdPrefix}${gameDate}`,
          game_date: gameDate,
          output_table: spec.outputTable,
          status: options.status,
          record_count: records,
          records_failed: 0,
          timestamp: new Date(dayNow).toISOString(),
          trigger_source: 'gameday-cli',
          metadata: { user: ctx.user, reason: options.reason ?? 'manual completion', manual: true },
        };
        const delivery = { messageId: `cli-${randomUUID()}` };
        const interpretation = interpretMessage(message, delivery, {
          processors: ctx.config.processors,
          topics: ctx.config.topics,
        });
        if (interpretation.kind !== 'completion')
          throw usageError(
            `the message would not count: ${'reason' in interpretation ? interpretation.reason : interpretation.kind}`,
          );
        const route = routeMessage(interpretation, bridgeToday(ctx.config), ctx.config.bridge.startWindowDays);
        const client = await ctx.client();
        const dayClock = await client
          .withDeadline(Date.now() + DAY_CLOCK_QUERY_MS, () =>
            client.workflow
              .getHandle(pipelineWorkflowId(ctx.config.temporal.workflowIdPrefix, gameDate))
              .query(pipelineStateQuery),
          )
          .then(
            (state) => state.clock,
            () => undefined,
          );
        if (dayClock) message.timestamp = new Date(virtualNow(dayClock, Date.now())).toISOString();
        const result = await signalDate(client, ctx.config, gameDate, message, delivery, {
          start: route.action === 'start-or-signal',
          startedBy: `gameday complete by ${ctx.user}`,
        });
        if (!result.delivered) {
          // Outside the start window a plain signal is sent, which cannot tell a closed day from none: describe says.
          const closed =
            result.reason === 'closed' ||
            (await client.workflow
              .getHandle(result.workflowId)
              .describe()
              .then(
                () => true,
                () => false,
              ));
          throw refused(
            closed
              ? `the day of ${gameDate} is over (workflow ${result.workflowId} closed): nothing was delivered; use \`gameday rerun\``
              : `no workflow runs for ${gameDate} and this completion does not start one: nothing was delivered; use \`gameday start ${gameDate}\` first`,
            { gameDate, workflowId: result.workflowId },
          );
        }
        ctx.print(
          `Delivered ${spec.name} (${spec.className}, phase ${processorPhase}) ${options.status} for ${gameDate}: execution ${executionId}`,
          {
            gameDate,
            workflowId: result.workflowId,
            message,
          },
        );
      }),
    );
  },
};
