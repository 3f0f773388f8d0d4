/**
 * The platform's own day of a game date (`POST /_local/days {game_date}` -> DaySimulator), lived on a virtual clock
 * 20000 times faster than real time (D-1 06:00 to D+1 07:00 in about nine seconds): props scrapes the evening before
 * and through D, each refreshing the upcoming player context through phase 3's own subscription; box scores after
 * the games and the gamebook at 04:00 running the game summaries level by level; and the background traffic Gameday
 * must acknowledge (untracked processors, messages without a name, a "None" date, a scheduled phase-4 run).
 */
import { loadConfig } from '../../config/load';
import type { GamedayConfig } from '../../config/schema';
import { toRunSettings } from '../../config/run-settings';
import { dayTimeInstant } from '../../domain/day-times';
import { interpretMessage } from '../../domain/messages';
import {
  SCENARIOS,
  startLocalPlatform,
  type LocalPlatform,
  type PublishEvent,
  type RunEvent,
  type Scenario,
} from '../../local-platform';
import { PLATFORM_DAY } from '../../local-platform/day-simulator';
import { startPushReceiver, type PushReceiver } from '../../local-platform/testing/push-receiver';

const DATE = '2026-01-15';
const NO_GAMES = '2026-01-16';
const PAST = '2026-01-10';
const SCENARIO: Scenario = { name: 'day', gamesByDate: { [DATE]: 3, [NO_GAMES]: 0, [PAST]: 4 } };
const QUIET: Scenario = { ...SCENARIOS.quiet, gamesByDate: SCENARIO.gamesByDate };

let config: GamedayConfig;
const at = (time: string) => dayTimeInstant(DATE, time, 'America/New_York');

interface SimulatedDay {
  platform: LocalPlatform;
  receiver: PushReceiver;
  lines: string[];
  publishes: PublishEvent[];
  runs: RunEvent[];
}
const days: Record<'noisy' | 'quiet', SimulatedDay> = {} as never;

async function simulate(scenario: Scenario): Promise<SimulatedDay> {
  const receiver = await startPushReceiver();
  const lines: string[] = [];
  const platform = await startLocalPlatform({
    config,
    scenario,
    publishUrl: receiver.url,
    port: 0,
    log: (l) => lines.push(l),
  });
  return { platform, receiver, lines, publishes: [], runs: [] };
}

async function post(platform: LocalPlatform, body: unknown) {
  const res = await fetch(`${platform.url}/_local/days`, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function clock(platform: LocalPlatform): Promise<number> {
  const res = await fetch(`${platform.url}/_local/clock`);
  return Date.parse(((await res.json()) as { now: string }).now);
}

beforeAll(async () => {
  const base = loadConfig({});
  const virtualAnchor = new Date(dayTimeInstant(DATE, 'D-1 06:00', base.timeZone)).toISOString();
  config = loadConfig({}, { timeScale: 1 / 20000, clock: { virtualAnchor, realAnchor: new Date().toISOString() } });
  days.noisy = await simulate(SCENARIO);
  days.quiet = await simulate(QUIET);
  for (const day of Object.values(days)) {
    const first = await post(day.platform, { game_date: DATE });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ status: 'simulating', game_date: DATE });
    // once per date: a second request schedules nothing more
    expect((await post(day.platform, { game_date: DATE })).status).toBe(202);
    expect((await post(day.platform, { game_date: NO_GAMES })).status).toBe(202);
    expect((await post(day.platform, { game_date: PAST })).status).toBe(202);
  }
  const end = at('D+1 07:00');
  const deadline = Date.now() + 60_000;
  while ((await clock(days.noisy.platform)) < end || (await clock(days.quiet.platform)) < end) {
    if (Date.now() > deadline) throw new Error('the simulated day did not reach D+1 07:00 within a minute');
    await new Promise((r) => setTimeout(r, 200));
  }
  for (const day of Object.values(days)) {
    await day.platform.deliveriesSettled();
    const events = day.platform.events();
    day.publishes = events.filter((e): e is PublishEvent => e.type === 'publish');
    day.runs = events.filter((e): e is RunEvent => e.type === 'run');
  }
}, 90_000);

afterAll(async () => {
  for (const day of Object.values(days)) {
    await day?.platform.close();
    await day?.receiver.close();
  }
});

const named = (day: SimulatedDay, phase: number, name: string) =>
  day.publishes.filter((e) => e.topic === config.topics[phase as 1] && e.message.processor_name === name);
const subscriptionRuns = (day: SimulatedDay, table: string) =>
  day.runs.filter((r) => r.cause === `subscription:${table}`);
const timeOf = (e: PublishEvent) => Date.parse(String(e.message.timestamp));

describe('POST /_local/days', () => {
  it('starts the day once per date; a date without games or whose day is over schedules nothing', () => {
    const { lines, runs } = days.noisy;
    expect(lines.filter((l) => l.startsWith(`platform day of ${DATE}:`))).toEqual([
      `platform day of ${DATE}: ${PLATFORM_DAY.length} of ${PLATFORM_DAY.length} scheduled runs still ahead`,
    ]);
    expect(lines.filter((l) => l.startsWith(`platform day of ${NO_GAMES}`))).toEqual([]);
    expect(lines).toContain(`platform day of ${PAST}: 0 of ${PLATFORM_DAY.length} scheduled runs still ahead`);
    expect(runs.filter((r) => r.gameDate !== DATE)).toEqual([]);
    // six props scrapes, not twelve
    expect(named(days.noisy, 1, 'oddsa_current_event_odds')).toHaveLength(6);
  });

  it('400 without a real date', async () => {
    for (const body of [{}, { game_date: '2026-02-30' }, { game_date: 'TODAY' }]) {
      const res = await post(days.noisy.platform, body);
      expect(res.status).toBe(400);
      expect(res.body.message).toBe('expected {"game_date": "YYYY-MM-DD"}');
    }
  });

  it('every message is delivered to the bridge URL', () => {
    for (const day of Object.values(days)) {
      expect(day.publishes.length).toBeGreaterThan(40);
      expect(day.publishes.filter((e) => e.delivery !== 'delivered')).toEqual([]);
      expect(day.receiver.received.length).toBe(day.publishes.length);
    }
  });
});

describe('props scrapes -> raw props -> phase 3 by subscription', () => {
  it('each props scrape publishes the snake-named scraper, then the batch props processor under nba_raw.', () => {
    const scrapes = named(days.noisy, 1, 'oddsa_current_event_odds');
    expect(scrapes.map((e) => e.message)).toEqual(
      scrapes.map(() =>
        expect.objectContaining({
          phase: 'phase_1_scrapers',
          game_date: DATE,
          output_table: 'oddsacurrenteventodds',
          trigger_source: 'scheduler',
          metadata: expect.objectContaining({ scraper_class: 'GetOddsApiCurrentEventOdds', workflow: 'betting_lines' }),
        }),
      ),
    );
    // the first scrape the evening before (D-1 16:00), the last at D 13:05
    expect(timeOf(scrapes[0])).toBeGreaterThanOrEqual(at('D-1 16:00'));
    expect(timeOf(scrapes[0])).toBeLessThan(at('D 05:05'));
    expect(timeOf(scrapes[5])).toBeGreaterThanOrEqual(at('D 13:05'));
    const raw = named(days.noisy, 2, 'OddsApiPropsBatchProcessor');
    expect(raw).toHaveLength(6);
    for (const event of raw) {
      expect(event.message).toMatchObject({
        phase: 'phase_2_raw',
        game_date: DATE,
        output_table: 'nba_raw.odds_api_player_points_props',
        output_dataset: 'nba_raw',
        duration_seconds: 0,
        trigger_source: 'unified_v2',
        trigger_message_id: expect.stringMatching(/^\d+$/),
      });
    }
  });

  it('every raw props completion runs the upcoming player context for that date, published by the async route', () => {
    const runs = subscriptionRuns(days.noisy, 'odds_api_player_points_props');
    expect(runs).toHaveLength(6);
    expect(
      runs.every(
        (r) => r.processor === 'upcoming_player_game_context' && r.gameDate === DATE && r.outcome === 'published',
      ),
    ).toBe(true);
    const upgc = named(days.noisy, 3, 'AsyncUpcomingPlayerGameContextProcessor');
    expect(upgc).toHaveLength(6);
    expect(upgc.every((e) => e.message.game_date === DATE && e.message.trigger_source === 'manual')).toBe(true);
    // causal order within a chain: scraper -> raw -> analytics
    const [scrape] = named(days.noisy, 1, 'oddsa_current_event_odds');
    const [raw] = named(days.noisy, 2, 'OddsApiPropsBatchProcessor');
    expect(scrape.seq).toBeLessThan(raw.seq);
    expect(raw.seq).toBeLessThan(upgc[0].seq);
    expect(timeOf(raw)).toBeGreaterThanOrEqual(timeOf(scrape));
    expect(timeOf(upgc[0])).toBeGreaterThanOrEqual(timeOf(raw));
  });
});

describe('box scores and the gamebook -> the game summaries by subscription', () => {
  it('player box scores after the games: team summaries first, then the player summary, for that date', () => {
    const raw = named(days.noisy, 2, 'NbacPlayerBoxscoreProcessor');
    // 22:00, 23:30 and 01:00 (games end from 21:30)
    expect(raw).toHaveLength(3);
    expect(raw.every((e) => e.message.output_table === 'nbac_player_boxscores')).toBe(true);
    expect(timeOf(raw[0])).toBeGreaterThanOrEqual(at('D 22:00'));
    const runs = subscriptionRuns(days.noisy, 'nbac_player_boxscores');
    expect(runs).toHaveLength(9);
    // level by level: each player summary comes after the two team summaries of its chain
    let teams = 0;
    let players = 0;
    for (const r of runs) {
      if (r.processor === 'player_game_summary') {
        players += 1;
        expect(teams).toBeGreaterThanOrEqual(2 * players);
      } else teams += 1;
    }
    expect([teams, players]).toEqual([6, 3]);
    expect(runs.every((r) => r.gameDate === DATE && r.phase === 3)).toBe(true);
  });

  it('team box scores run the team summaries only', () => {
    const raw = named(days.noisy, 2, 'NbacTeamBoxscoreProcessor');
    expect(raw).toHaveLength(1);
    expect(raw[0].message.output_table).toBe('nba_raw.nbac_team_boxscore');
    expect(
      subscriptionRuns(days.noisy, 'nbac_team_boxscore')
        .map((r) => r.processor)
        .sort(),
    ).toEqual(['team_defense_game_summary', 'team_offense_game_summary']);
  });

  it('the gamebook at D+1 04:00 runs the game summaries again, whose completions Gameday counts', () => {
    const [pdf] = named(days.noisy, 1, 'nbac_gamebook_pdf');
    expect(timeOf(pdf)).toBeGreaterThanOrEqual(at('D+1 04:00'));
    const [raw] = named(days.noisy, 2, 'NbacGamebookProcessor');
    expect(raw.message).toMatchObject({ output_table: 'nba_raw.nbac_gamebook_player_stats', game_date: DATE });
    const runs = subscriptionRuns(days.noisy, 'nbac_gamebook_player_stats');
    expect(runs.map((r) => r.processor)).toEqual([
      expect.stringMatching(/^team_/),
      expect.stringMatching(/^team_/),
      'player_game_summary',
    ]);
    const pgs = named(days.noisy, 3, 'PlayerGameSummaryProcessor');
    expect(pgs).toHaveLength(4); // three box-score chains and the gamebook
    expect(timeOf(pgs[3])).toBeGreaterThanOrEqual(at('D+1 04:00'));
    const catalog = toRunSettings(config).catalog;
    expect(interpretMessage(JSON.parse(pgs[3].data), { subscription: pgs[3].subscription }, catalog)).toMatchObject({
      kind: 'completion',
      phase: 3,
      processor: 'player_game_summary',
      gameDate: DATE,
      counts: true,
    });
  });

  it('the schedule processor never publishes, so nothing runs from it', () => {
    expect(named(days.noisy, 1, 'nbac_schedule_api')).toHaveLength(3); // D-1 20:05, D 06:05, D+1 01:01
    expect(days.noisy.runs.filter((r) => r.processor === 'nbac_schedule').map((r) => r.outcome)).toEqual(
      Array(3).fill('suppressed'),
    );
    expect(subscriptionRuns(days.noisy, 'nbac_schedule')).toEqual([]);
  });
});

describe('background traffic', () => {
  const catalog = () => toRunSettings(config).catalog;
  const read = (e: PublishEvent) =>
    interpretMessage(JSON.parse(e.data), { subscription: e.subscription, messageId: e.messageId }, catalog());

  it('messages without a name, a "None" date, untracked processors and a scheduled phase-4 run', () => {
    const { publishes } = days.noisy;
    const unnamed = publishes.filter((e) => e.message.processor_name === undefined);
    expect(unnamed.map((e) => [e.topic, Object.keys(e.message)[0]])).toEqual([
      [config.topics[1], 'scraper_name'], // the cleanup job's re-publish, D 10:15
      [config.topics[1], 'scraper'], // the ESPN roster format, D 11:02
      [config.topics[3], 'event_type'], // the dead legacy publisher, D 12:00
    ]);
    expect(unnamed.map((e) => read(e))).toEqual(
      unnamed.map(() => expect.objectContaining({ kind: 'unusable', code: 'no_processor_name' })),
    );
    expect(unnamed[2].data).toContain('"phase": 3, "success": true, "error_message": null}');

    const none = publishes.filter((e) => e.message.game_date === 'None');
    expect(none.map((e) => e.message.processor_name)).toEqual(['UpcomingTeamGameContextProcessor']);
    expect(read(none[0])).toMatchObject({ kind: 'unusable', code: 'bad_date' });

    const injury = named(days.noisy, 1, 'nbac_injury_report');
    expect(injury).toHaveLength(7);
    expect(named(days.noisy, 2, 'NbacInjuryReportProcessor')).toHaveLength(7);
    expect(read(injury[0])).toMatchObject({ kind: 'ignored', code: 'untracked_processor' });
    expect(subscriptionRuns(days.noisy, 'nbac_injury_report')).toEqual([]);
    expect(named(days.noisy, 1, 'oddsa_events')).toHaveLength(6);

    const scheduled = publishes.filter((e) => e.topic === config.topics[4]);
    expect(scheduled.map((e) => [e.message.processor_name, e.message.trigger_source, e.message.game_date])).toEqual([
      ['PlayerCompositeFactorsProcessor', 'scheduler', DATE],
    ]);
    expect(timeOf(scheduled[0])).toBeGreaterThanOrEqual(at('D+1 02:00'));
  });

  it('Gameday can read every message of the day: a completion, an untracked processor, or unusable with a reason', () => {
    const kinds = new Map<string, number>();
    for (const event of days.noisy.publishes) {
      const reading = read(event);
      const key =
        reading.kind === 'completion' ? 'completion' : `${reading.kind}:${'code' in reading ? reading.code : ''}`;
      kinds.set(key, (kinds.get(key) ?? 0) + 1);
    }
    expect([...kinds.keys()].sort()).toEqual([
      'completion',
      'ignored:untracked_processor',
      'unusable:bad_date',
      'unusable:no_processor_name',
    ]);
    expect(kinds.get('unusable:no_processor_name')).toBe(3);
    expect(kinds.get('unusable:bad_date')).toBe(1);
  });

  it('the quiet scenario has none of it, and the same tracked chains', () => {
    const { publishes } = days.quiet;
    expect(publishes.filter((e) => e.message.processor_name === undefined)).toEqual([]);
    expect(publishes.filter((e) => e.message.game_date === 'None')).toEqual([]);
    expect(publishes.filter((e) => e.topic === config.topics[4])).toEqual([]);
    expect(named(days.quiet, 1, 'nbac_injury_report')).toEqual([]);
    expect(named(days.quiet, 1, 'oddsa_events')).toEqual([]);
    expect(publishes.map((e) => read(e).kind).every((k) => k === 'completion' || k === 'ignored')).toBe(true);
    expect(named(days.quiet, 3, 'AsyncUpcomingPlayerGameContextProcessor')).toHaveLength(6);
    expect(named(days.quiet, 3, 'PlayerGameSummaryProcessor')).toHaveLength(4);
  });
});
