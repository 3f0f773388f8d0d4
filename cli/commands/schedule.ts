/** `gameday schedule apply|describe|pause|unpause|trigger|backfill`: the Temporal Schedules of the daily rhythm. */
import type { Command } from 'commander';
import { formatDateTimeET } from '../../domain/dates';
import { parseScheduleName, SCHEDULE_NAMES, type ScheduleName } from '../../schedules/definitions';
import {
  applySchedules,
  backfillSchedule,
  describeSchedules,
  pauseSchedules,
  triggerSchedule,
  unpauseSchedules,
} from '../../schedules/manage';
import { parseDate } from '../args';
import { action, withCommon, type CommandModule } from '../command';
import type { CliContext } from '../context';
import { usageError } from '../errors';
import { EXIT } from '../exit-codes';

function names(ctx: CliContext, args: string[]): ScheduleName[] | undefined {
  if (!args.length) return undefined;
  try {
    return args.map((a) => parseScheduleName(a, ctx.config));
  } catch (err) {
    throw usageError((err as Error).message);
  }
}

const NAMES_HELP = `schedule names (${SCHEDULE_NAMES.join(', ')}); default all`;

export const scheduleCommand: CommandModule = {
  name: 'schedule',
  register(program: Command) {
    const group = program
      .command('schedule')
      .description('Temporal Schedules of the daily rhythm: pipelines, self-heal, daily summary (times in ET)');

    withCommon(group.command('apply').description('create or update every schedule from the config (idempotent)'), [
      'gameday schedule apply',
    ]).action(
      action(async (ctx) => {
        const results = await applySchedules(await ctx.client(), ctx.config);
        ctx.print(
          results.map(
            (r) => `${r.scheduleId}: ${r.outcome}${r.paused ? ' (paused: apply keeps the operator pause)' : ''}`,
          ),
          { schedules: results },
        );
      }),
    );

    withCommon(
      group
        .command('describe')
        .description('state, times and next fires of the schedules')
        .argument('[names...]', NAMES_HELP),
      ['gameday schedule describe', 'gameday schedule describe self-heal --json'],
    ).action(
      action(async (ctx, args) => {
        const views = await describeSchedules(await ctx.client(), ctx.config, names(ctx, args));
        const lines = views.flatMap((v) => [
          `${v.scheduleId}: ${v.exists ? (v.paused ? 'PAUSED' : 'active') : 'not created (run `gameday schedule apply`)'}` +
            `${v.exists && v.inSyncWithConfig === false ? ' (differs from config: run `gameday schedule apply`)' : ''}`,
          `  ${v.workflowType} at ${v.times.join(', ')} ${v.timeZone}; overlap ${v.overlap ?? '-'}, catch-up ${v.catchupWindowMinutes ?? '-'} min`,
          ...(v.note ? [`  note: ${v.note}`] : []),
          `  next: ${
            v.nextActionTimes
              .slice(0, 3)
              .map((t) => formatDateTimeET(t, v.timeZone))
              .join('; ') || '-'
          }`,
        ]);
        const missing = views.some((v) => v.enabledInConfig && !v.exists);
        ctx.print(lines, { schedules: views });
        return missing ? EXIT.DEGRADED : EXIT.OK;
      }),
    );

    for (const verb of ['pause', 'unpause'] as const) {
      withCommon(
        group
          .command(verb)
          .description(`${verb} schedules (apply keeps the pause state)`)
          .argument('[names...]', NAMES_HELP)
          .requiredOption('--reason <text>', 'recorded as the schedule note'),
        [`gameday schedule ${verb} self-heal --reason "maintenance"`],
      ).action(
        action<{ reason: string }>(async (ctx, args, options) => {
          const note = `${verb}d by ${ctx.user}: ${options.reason}`;
          const fn = verb === 'pause' ? pauseSchedules : unpauseSchedules;
          const done = await fn(await ctx.client(), ctx.config, names(ctx, args), note);
          ctx.print(
            done.map((id) => `${id}: ${verb}d`),
            { [verb === 'pause' ? 'paused' : 'unpaused']: done, note },
          );
        }),
      );
    }

    withCommon(
      group
        .command('trigger')
        .description("take a schedule's action now (its date derives from now)")
        .argument('<name>', NAMES_HELP),
      ['gameday schedule trigger self-heal', 'gameday schedule trigger pipeline-today'],
    ).action(
      action(async (ctx, args) => {
        const [name] = names(ctx, args) ?? [];
        const id = await triggerSchedule(await ctx.client(), ctx.config, name);
        ctx.print(`${id}: triggered`, { triggered: id });
      }),
    );

    withCommon(
      group
        .command('backfill')
        .description(
          'run a pipeline schedule for every game date FROM..TO (each run derives its date from its fire time)',
        )
        .argument('<from>', 'first game date YYYY-MM-DD')
        .argument('<to>', 'last game date YYYY-MM-DD')
        .option('--schedule <name>', 'pipeline-today or pipeline-tomorrow', 'pipeline-today'),
      ['gameday schedule backfill 2026-01-05 2026-01-11'],
    ).action(
      action<{ schedule: string }>(async (ctx, args, options) => {
        const from = parseDate(args[0], 'FROM date', ctx.config.timeZone);
        const to = parseDate(args[1], 'TO date', ctx.config.timeZone);
        const [name] = names(ctx, [options.schedule]) ?? [];
        let plan;
        try {
          plan = await backfillSchedule(await ctx.client(), ctx.config, from, to, name);
        } catch (err) {
          if (/backfill/.test((err as Error).message)) throw usageError((err as Error).message);
          throw err;
        }
        ctx.print(
          [
            `${plan.scheduleId}: backfilling ${plan.dates.length} dates ${from}..${to} (fires ${plan.start} .. ${plan.end})`,
            'dates already run are not run again (one workflow per date); follow with `gameday dashboard`',
          ],
          plan,
        );
      }),
    );
  },
};
