import { PubSub } from '@google-cloud/pubsub';
import type { Command } from 'commander';
import { legacyFirestore } from '../../activities/firestore/legacy-docs';
import { writeExecutionEvents } from '../../activities/warehouse/execution-log';
import { peekLegacyTriggers, type PublishedByDate } from '../../clients/legacy-trigger-topics';
import { shadowLogEvents, shadowReport, type ShadowRow } from '../../clients/shadow-report';
import { bridgeToday } from '../../bridge/today';
import { addDays } from '../../domain/dates';
import { createBigQueryClient } from '../../warehouse/client';
import { parseInteger } from '../args';
import { action, withCommon, type CommandModule } from '../command';

/** `gameday shadow-report --days 7`: the legacy orchestrator's triggers beside Gameday's decisions, per date and cycle. */
export const shadowReportCommand: CommandModule = {
  name: 'shadow-report',
  register(program: Command) {
    withCommon(
      program
        .command('shadow-report')
        .description(
          "per date, cycle and phase (4, 5): what the legacy orchestrator triggered (its Firestore documents) beside what Gameday decided (shadow or coexist mode) and who was first; with the warehouse on, the same rows go to the execution log (processor_name 'shadow_report')",
        )
        .option('--days <n>', 'this many dates up to today', '7'),
      ['gameday shadow-report', 'gameday shadow-report --days 14 --json'],
    ).action(
      action<{ days: string }>(async (ctx, _args, options) => {
        const days = parseInteger(options.days, '--days', 1, 60);
        const today = bridgeToday(ctx.config);
        const dates = Array.from({ length: days }, (_, i) => addDays(today, i - days + 1));
        const client = await ctx.client();
        const { phase4, phase5 } = ctx.config.legacy.triggerSubscriptions;
        const project = ctx.config.platform.projectId;
        const path = (name: string) =>
          name.startsWith('projects/') ? name : `projects/${project}/subscriptions/${name}`;
        const topics = [
          ...(phase4 ? [{ phase: 4 as const, path: path(phase4) }] : []),
          ...(phase5 ? [{ phase: 5 as const, path: path(phase5) }] : []),
        ];
        const published: PublishedByDate | undefined = topics.length
          ? await peekLegacyTriggers(topics, { pubsub: new PubSub({ projectId: project }) })
          : undefined;
        const db = legacyFirestore(ctx.config);
        let rows: ShadowRow[];
        try {
          rows = await shadowReport(client, db, ctx.config, dates, published);
        } finally {
          await db.terminate();
        }
        let warehouseRows: number | undefined;
        if (ctx.config.warehouse.enabled) {
          const bq = createBigQueryClient(ctx.config.warehouse);
          warehouseRows = await writeExecutionEvents({ config: ctx.config, bq }, shadowLogEvents(rows, ctx.config));
        }
        const lines = rows.map((r) => {
          const g = r.gameday ? `${r.gameday.outcome} at ${r.gameday.at}` : 'no decision';
          const l = r.legacy.triggered ? `triggered at ${r.legacy.at} (${r.legacy.reason ?? '?'})` : 'no trigger';
          const lead = r.gamedayLeadMinutes !== undefined ? `, Gameday ${r.gamedayLeadMinutes} min ahead` : '';
          const latched = r.legacy.latchedWithoutPublishing ? ' - LATCHED WITHOUT PUBLISHING' : '';
          return `${r.gameDate} ${r.cycle.padEnd(9)} phase ${r.phase}: first ${r.first.padEnd(7)} gameday ${g}; legacy ${l}${lead}${latched}`;
        });
        if (warehouseRows !== undefined) lines.push(`warehouse: ${warehouseRows} new execution-log rows`);
        ctx.print(lines, { mode: ctx.config.legacy.mode, dates, rows, warehouseRows });
      }),
    );
  },
};
