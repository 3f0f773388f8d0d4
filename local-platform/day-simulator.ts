/**
 * The platform's own day for a game date D, as its schedulers and subscriptions run it (PLATFORM.md's timeline),
 * in the day's time: props scrapes the evening before and through D (each refreshes the upcoming player context
 * through phase 3's own subscription), the schedule scrape, the hourly injury report, box scores after the games
 * (-> team and player game summaries), the gamebook at 04:00, and the background traffic Gameday must acknowledge:
 * messages without a name, a "None" date, a scheduled phase-4 run that still publishes.
 */
import { dayTimeInstant } from '../domain/day-times';
import type { ProcessorSpec } from '../domain/processors';
import { hex8, pythonTimestamp } from './completion';
import type { PlatformContext } from './context';
import {
  ANALYTICS_TRIGGER_GROUPS,
  RAW_PROCESSORS,
  SCRAPERS,
  type PlatformProcessor,
  type ScrapeKind,
} from './platform-catalog';
import { executeRun } from './runs';
import { noiseOf, type Scenario } from './scenario';
import { gameCount, gamesFor } from './schedule';
import { background } from './timers';

type DayEvent =
  | { at: string; scrape: ScrapeKind }
  | { at: string; noise: 'cleanup-republish' | 'espn-roster' | 'legacy-event' | 'none-date' | 'scheduled-phase4' };

const injuryReports = ['D-1 18:15', 'D-1 21:15', 'D 06:15', 'D 09:15', 'D 12:15', 'D 15:15', 'D 18:15'];

export const PLATFORM_DAY: DayEvent[] = [
  { at: 'D-1 16:00', scrape: 'props' },
  { at: 'D-1 20:05', scrape: 'schedule' },
  ...injuryReports.map((at): DayEvent => ({ at, scrape: 'injury' })),
  { at: 'D 05:05', scrape: 'props' },
  { at: 'D 06:05', scrape: 'schedule' },
  { at: 'D 07:05', scrape: 'props' },
  { at: 'D 09:05', scrape: 'props' },
  { at: 'D 10:15', noise: 'cleanup-republish' },
  { at: 'D 11:02', noise: 'espn-roster' },
  { at: 'D 11:05', scrape: 'props' },
  { at: 'D 12:00', noise: 'legacy-event' },
  { at: 'D 13:05', scrape: 'props' },
  { at: 'D 14:00', noise: 'none-date' },
  { at: 'D 22:00', scrape: 'playerBox' },
  { at: 'D 22:01', scrape: 'teamBox' },
  { at: 'D 23:30', scrape: 'playerBox' },
  { at: 'D+1 01:00', scrape: 'playerBox' },
  { at: 'D+1 01:01', scrape: 'schedule' },
  { at: 'D+1 02:00', noise: 'scheduled-phase4' },
  { at: 'D+1 04:00', scrape: 'gamebook' },
];

export class DaySimulator {
  private readonly days = new Set<string>();

  constructor(private readonly ctx: PlatformContext) {}

  /** Starts D's day once; events whose time has passed are not replayed (a backfill finds nothing published). */
  simulate(gameDate: string): void {
    if (this.days.has(gameDate)) return;
    this.days.add(gameDate);
    const { ctx } = this;
    const scenario = ctx.scenario();
    if (gameCount(gameDate, scenario) === 0) return;
    const now = ctx.now().getTime();
    let scheduled = 0;
    for (const event of PLATFORM_DAY) {
      const at = dayTimeInstant(gameDate, event.at, ctx.config.timeZone);
      if (at < now) continue;
      scheduled++;
      background(async () => {
        await ctx.timers.sleepDay(at - ctx.now().getTime());
        await this.run(event, gameDate);
      }, ctx.log);
    }
    ctx.log(`platform day of ${gameDate}: ${scheduled} of ${PLATFORM_DAY.length} scheduled runs still ahead`);
  }

  private async run(event: DayEvent, gameDate: string): Promise<void> {
    if ('scrape' in event) return this.scrape(event.scrape, gameDate);
    const noise = noiseOf(this.ctx.scenario());
    switch (event.noise) {
      case 'cleanup-republish':
      case 'espn-roster':
      case 'legacy-event':
        if (noise.unnamed) this.publishUnnamed(event.noise, gameDate);
        return;
      case 'none-date':
        if (noise.noneDates) await this.noneDateRun(gameDate);
        return;
      case 'scheduled-phase4':
        if (noise.scheduledPhase4) await this.scheduledPhase4(gameDate);
        return;
    }
  }

  /** A tracked processor runs with the config's spec, so the scenario's behaviour for it applies. */
  private spec(phase: 1 | 2 | 3 | 4, processor: PlatformProcessor): ProcessorSpec {
    return this.ctx.config.processors[phase].find((p) => p.name === processor.name) ?? processor;
  }

  private async scrape(kind: ScrapeKind, gameDate: string): Promise<void> {
    const { ctx } = this;
    const scenario = ctx.scenario();
    const noise = noiseOf(scenario);
    if (kind === 'injury' && !noise.untracked) return;
    if (kind === 'schedule' || kind === 'playerBox')
      await ctx.warehouse?.scheduleScraped(gameDate, gamesFor(gameDate, scenario, ctx.now())).catch(() => undefined);
    if (
      (kind === 'playerBox' || kind === 'teamBox') &&
      !gamesFor(gameDate, scenario, ctx.now()).some((g) => g.game_status === 3)
    )
      return;
    if (kind === 'props' && noise.untracked) {
      await executeRun(ctx, {
        phase: 1,
        spec: SCRAPERS.events,
        gameDate,
        cause: 'schedule',
        suppressPublish: false,
        scenario,
      });
    }
    const scraped = await executeRun(ctx, {
      phase: 1,
      spec: this.spec(1, SCRAPERS[kind]),
      gameDate,
      cause: 'schedule',
      suppressPublish: false,
      scenario,
    });
    if (scraped.status !== 'success') return;
    const raw: PlatformProcessor = RAW_PROCESSORS[kind as keyof typeof RAW_PROCESSORS];
    if (!raw) return;
    const processed = await executeRun(ctx, {
      phase: 2,
      spec: this.spec(2, raw),
      gameDate,
      cause: 'gcs',
      suppressPublish: raw.publishes === false,
      scenario,
      triggerSource: 'unified_v2',
      triggerMessageId: String(Date.now()),
    });
    if (processed.outcome !== 'published' || processed.status !== 'success') return;
    await this.analyticsSubscription(raw.outputTable, gameDate, scenario);
  }

  /** Phase 3's own subscription: the processors that depend on the table, for that date, level by level. */
  private async analyticsSubscription(table: string, gameDate: string, scenario: Scenario): Promise<void> {
    const { ctx } = this;
    if (table === 'nbac_injury_report' && !noiseOf(scenario).injuryRerunsPlayerSummary) return;
    for (const level of ANALYTICS_TRIGGER_GROUPS[table] ?? []) {
      await Promise.all(
        level.map((name) => {
          const spec = ctx.config.processors[3].find((p) => p.name === name);
          if (!spec) return undefined;
          return executeRun(ctx, {
            phase: 3,
            spec,
            gameDate,
            cause: `subscription:${table}`,
            suppressPublish: false,
            scenario,
          });
        }),
      );
    }
  }

  /** A phase-3 run without an end date: the message says game_date "None". */
  private async noneDateRun(gameDate: string): Promise<void> {
    const spec = this.ctx.config.processors[3].find((p) => p.name === 'upcoming_team_game_context');
    if (!spec) return;
    await executeRun(this.ctx, {
      phase: 3,
      spec,
      gameDate,
      publishedDate: 'None',
      cause: 'manual run without end_date',
      suppressPublish: false,
      scenario: this.ctx.scenario(),
    });
  }

  /** The player-composite-factors-daily job: `AUTO` (yesterday in UTC) at 23:00 Los Angeles, which publishes. */
  private async scheduledPhase4(gameDate: string): Promise<void> {
    const spec = this.ctx.config.processors[4].find((p) => p.name === 'player_composite_factors');
    if (!spec) return;
    await executeRun(this.ctx, {
      phase: 4,
      spec,
      gameDate,
      triggerSource: 'scheduler',
      cause: 'scheduler player-composite-factors-daily (AUTO)',
      suppressPublish: false,
      scenario: this.ctx.scenario(),
    });
  }

  private publishUnnamed(kind: 'cleanup-republish' | 'espn-roster' | 'legacy-event', gameDate: string): void {
    const { ctx } = this;
    const now = ctx.now();
    const id = hex8(now.getTime());
    if (kind === 'cleanup-republish') {
      ctx.publisher.publish(ctx.config.topics[1], {
        scraper_name: 'nbac_player_boxscore',
        gcs_path: `gs://nba-scraped-data/nba-com/player-boxscores/${gameDate}/${id}.json`,
        execution_id: `recovery-${id}`,
        original_execution_id: hex8(now.getTime() - 1),
        original_triggered_at: pythonTimestamp(new Date(now.getTime() - 2_700_000)),
        recovery: true,
        recovery_reason: 'cleanup_processor',
        recovery_timestamp: pythonTimestamp(now),
        recovery_attempt: 1,
        status: 'success',
      });
    } else if (kind === 'espn-roster') {
      ctx.publisher.publish(ctx.config.topics[1], {
        scraper: 'espn_roster',
        scraper_type: 'espn_team_roster',
        team_abbr: 'LAL',
        team_slug: 'los-angeles-lakers',
        date: gameDate,
        player_count: 17,
        gcs_path: `espn/rosters/${gameDate}/team_LAL/`,
        timestamp: pythonTimestamp(now),
        run_id: id,
      });
    } else {
      ctx.publisher.publish(ctx.config.topics[3], {
        event_type: 'analytics_complete',
        analytics_table: 'player_game_summary',
        game_date: gameDate,
        record_count: 241,
        execution_id: id,
        correlation_id: id,
        timestamp: pythonTimestamp(now),
        phase: 3,
        success: true,
        error_message: null,
      });
    }
    ctx.log(`platform noise: ${kind} for ${gameDate}`);
  }
}
