import { dateInZone, PLATFORM_TIME_ZONE } from '../domain/dates';
import { hashString, type Scenario } from './scenario';

export interface ScheduledGame {
  game_id: string;
  home_team_tricode: string;
  away_team_tricode: string;
  /** 1 scheduled, 2 live, 3 final. */
  game_status: 1 | 2 | 3;
  game_status_text: string;
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

/**
 * How many games a date has: the scenario's gamesByDate, then the built-in dates, then a count
 * derived from the date (0-14; about one date in six has none).
 */
export function gameCount(gameDate: string, scenario: Scenario): number {
  const fromScenario = scenario.gamesByDate?.[gameDate];
  if (fromScenario !== undefined) return fromScenario;
  const builtIn = BUILT_IN_COUNTS[gameDate];
  if (builtIn !== undefined) return builtIn;
  const n = hashString(`games:${gameDate}`) % 18;
  return n < 3 ? 0 : n - 3;
}

/** A deterministic slate for a date: distinct teams, NBA-style game ids, status by date against today in ET. */
export function gamesFor(gameDate: string, scenario: Scenario, now: Date): ScheduledGame[] {
  const count = gameCount(gameDate, scenario);
  const teams = shuffled([...NBA_TRICODES], hashString(`teams:${gameDate}`));
  const today = dateInZone(now, PLATFORM_TIME_ZONE);
  const final = gameDate < today;
  const { seasonYear, dayNumber } = seasonDay(gameDate);
  const games: ScheduledGame[] = [];
  for (let i = 0; i < count; i++) {
    const tipOff = ['7:00 pm ET', '7:30 pm ET', '8:00 pm ET', '9:00 pm ET', '10:00 pm ET', '10:30 pm ET'][i % 6];
    games.push({
      // Regular-season ids look like 0022500456: 002, the season's start year, a 5-digit game number.
      game_id: `002${String(seasonYear).slice(2)}${String((dayNumber * 15 + i + 1) % 100000).padStart(5, '0')}`,
      away_team_tricode: teams[2 * i],
      home_team_tricode: teams[2 * i + 1],
      game_status: final ? 3 : 1,
      game_status_text: final ? 'Final' : tipOff,
    });
  }
  return games;
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
