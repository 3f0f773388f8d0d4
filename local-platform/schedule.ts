/**
 * The slate of every date: one deterministic source for the local platform's /schedule, its day simulation and the
 * warehouse's `nba_raw.nbac_schedule` rows, so any date a user runs has games (about one date in six has none).
 */
import { dateInZone, PLATFORM_TIME_ZONE, zonedTimeToInstant } from '../domain/dates';
import { hashString, type Scenario } from './scenario';

export interface ScheduledGame {
  game_id: string;
  home_team_tricode: string;
  away_team_tricode: string;
  /** 1 scheduled, 2 live, 3 final. */
  game_status: 1 | 2 | 3;
  game_status_text: string;
  /** Tip-off and the end of the game (about 2.5 hours later), epoch ms. */
  tipOffMs: number;
  finalMs: number;
}

export const NBA_TRICODES = [
  'ATL',
  'BOS',
  'BKN',
  'CHA',
  'CHI',
  'CLE',
  'DAL',
  'DEN',
  'DET',
  'GSW',
  'HOU',
  'IND',
  'LAC',
  'LAL',
  'MEM',
  'MIA',
  'MIL',
  'MIN',
  'NOP',
  'NYK',
  'OKC',
  'ORL',
  'PHI',
  'PHX',
  'POR',
  'SAC',
  'SAS',
  'TOR',
  'UTA',
  'WAS',
] as const;

/** The incident date's slate size, used unless a scenario says otherwise. */
const BUILT_IN_COUNTS: Record<string, number> = { '2025-12-29': 11 };
const TIP_OFFS = ['19:00', '19:30', '20:00', '21:00', '22:00', '22:30'];
const GAME_LENGTH_MS = 2.5 * 3_600_000;

/** How many games a date has: the scenario's gamesByDate, then the built-in dates, then a count derived from the date. */
export function gameCount(gameDate: string, scenario: Scenario): number {
  const fromScenario = scenario.gamesByDate?.[gameDate];
  if (fromScenario !== undefined) return fromScenario;
  const builtIn = BUILT_IN_COUNTS[gameDate];
  if (builtIn !== undefined) return builtIn;
  const n = hashString(`games:${gameDate}`) % 18;
  return n < 3 ? 0 : n - 3;
}

/** The date's games with their status at `now` (the day's time): scheduled, live, or final 2.5 hours after tip-off. */
export function gamesFor(gameDate: string, scenario: Scenario, now: Date | number): ScheduledGame[] {
  const count = gameCount(gameDate, scenario);
  const teams = shuffled([...NBA_TRICODES], hashString(`teams:${gameDate}`));
  const nowMs = typeof now === 'number' ? now : now.getTime();
  const { seasonYear, dayNumber } = seasonDay(gameDate);
  const games: ScheduledGame[] = [];
  for (let i = 0; i < count; i++) {
    const tipOffMs = zonedTimeToInstant(gameDate, TIP_OFFS[i % TIP_OFFS.length], PLATFORM_TIME_ZONE).getTime();
    const finalMs = tipOffMs + GAME_LENGTH_MS;
    const status: 1 | 2 | 3 = nowMs >= finalMs ? 3 : nowMs >= tipOffMs ? 2 : 1;
    games.push({
      // Regular-season ids look like 0022500456: 002, the season's start year, a 5-digit game number.
      game_id: `002${String(seasonYear).slice(2)}${String((dayNumber * 15 + i + 1) % 100000).padStart(5, '0')}`,
      away_team_tricode: teams[2 * i],
      home_team_tricode: teams[2 * i + 1],
      game_status: status,
      game_status_text: status === 3 ? 'Final' : status === 2 ? 'Live' : `${TIP_OFFS[i % TIP_OFFS.length]} ET`,
      tipOffMs,
      finalMs,
    });
  }
  return games;
}

/** When the date's last game ends (the day's time), or undefined without games. */
export function lastFinalMs(gameDate: string, scenario: Scenario): number | undefined {
  const games = gamesFor(gameDate, scenario, 0);
  return games.length ? Math.max(...games.map((g) => g.finalMs)) : undefined;
}

/** Today's date in the platform's zone at a day-time instant. */
export function platformToday(now: Date | number): string {
  return dateInZone(now, PLATFORM_TIME_ZONE);
}

function seasonDay(gameDate: string): { seasonYear: number; dayNumber: number } {
  const [year, month, day] = gameDate.split('-').map(Number);
  const seasonYear = month >= 8 ? year : year - 1;
  const dayNumber = Math.round((Date.UTC(year, month - 1, day) - Date.UTC(seasonYear, 9, 1)) / 86_400_000);
  return { seasonYear, dayNumber: Math.max(0, dayNumber) };
}

function shuffled<T>(items: T[], seed: number): T[] {
  let state = seed || 1;
  for (let i = items.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const j = state % (i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
