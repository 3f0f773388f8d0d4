/** Realistic, deterministic rows of the platform's tables for a slate of games (seeding and the local sink). */
import { BigQuery } from '@google-cloud/bigquery';
import type { ScheduledGame } from '../local-platform/schedule';

export type Row = Record<string, unknown>;

/** Analytics game ids are `YYYYMMDD_AWAY_HOME`. */
export function analyticsGameId(
  gameDate: string,
  game: Pick<ScheduledGame, 'away_team_tricode' | 'home_team_tricode'>,
) {
  return `${gameDate.replace(/-/g, '')}_${game.away_team_tricode}_${game.home_team_tricode}`;
}

/** Small deterministic noise in [0, 1). */
function noise(seed: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) hash = Math.imul(hash ^ seed.charCodeAt(i), 0x01000193);
  return (hash >>> 0) / 2 ** 32;
}

export function scheduleRows(gameDate: string, games: ScheduledGame[], processedAt: Date): Row[] {
  return games.map((g) => ({
    game_id: g.game_id,
    game_date: BigQuery.date(gameDate),
    game_status: g.game_status,
    game_status_text: g.game_status_text,
    home_team_tricode: g.home_team_tricode,
    away_team_tricode: g.away_team_tricode,
    processed_at: processedAt.toISOString(),
  }));
}

interface Player {
  player_lookup: string;
  team_abbr: string;
  opponent_team_abbr: string;
  game_id: string;
}

/** `count` players spread over the games (both teams of each game in turn). */
export function players(gameDate: string, games: ScheduledGame[], count: number): Player[] {
  const out: Player[] = [];
  if (games.length === 0) return out;
  for (let i = 0; i < count; i++) {
    const game = games[Math.floor(i / 2) % games.length];
    const home = i % 2 === 1;
    const team = home ? game.home_team_tricode : game.away_team_tricode;
    const slot = Math.floor(i / (2 * games.length)) + 1;
    out.push({
      player_lookup: `${team.toLowerCase()}player${String(slot).padStart(2, '0')}`,
      team_abbr: team,
      opponent_team_abbr: home ? game.away_team_tricode : game.home_team_tricode,
      game_id: analyticsGameId(gameDate, game),
    });
  }
  return out;
}

function teams(gameDate: string, games: ScheduledGame[]): Player[] {
  return games.flatMap((g) => [
    {
      player_lookup: '',
      team_abbr: g.away_team_tricode,
      opponent_team_abbr: g.home_team_tricode,
      game_id: analyticsGameId(gameDate, g),
    },
    {
      player_lookup: '',
      team_abbr: g.home_team_tricode,
      opponent_team_abbr: g.away_team_tricode,
      game_id: analyticsGameId(gameDate, g),
    },
  ]);
}

export interface RowOptions {
  /** Rows to write; default: the platform's usual count for the table. */
  count?: number;
  /** ml_feature_store_v2: share of players with no defaulted feature (default 0.88). */
  cleanShare?: number;
  processedAt?: Date;
}

/** Player tables 16 per team, team tables 1 per team: what a slate writes. */
export function defaultCount(table: string, games: number): number {
  return /team/.test(table) ? games * 2 : games * 32;
}

/** Rows of one of the platform's tables for the date; undefined for a table Gameday does not model. */
export function tableRows(
  table: string,
  gameDate: string,
  games: ScheduledGame[],
  opts: RowOptions = {},
): Row[] | undefined {
  const count = opts.count ?? defaultCount(table, games.length);
  const processed_at = (opts.processedAt ?? new Date()).toISOString();
  const date = BigQuery.date(gameDate);
  const people = () => players(gameDate, games, count);
  const clubs = () => teams(gameDate, games).slice(0, count);
  const n = (seed: string, lo: number, hi: number) => lo + Math.floor(noise(seed) * (hi - lo + 1));
  switch (table) {
    case 'nbac_schedule':
      return scheduleRows(gameDate, games, opts.processedAt ?? new Date());
    case 'bdl_player_boxscores':
      return people().map((p) => ({
        game_date: date,
        game_id: p.game_id,
        player_lookup: p.player_lookup,
        team_abbr: p.team_abbr,
        points: n(`pts${p.player_lookup}`, 0, 34),
        processed_at,
      }));
    case 'player_game_summary':
      return people().map((p) => ({
        game_date: date,
        game_id: p.game_id,
        player_lookup: p.player_lookup,
        team_abbr: p.team_abbr,
        minutes_played: n(`min${p.player_lookup}`, 4, 38),
        points: n(`pts${p.player_lookup}`, 0, 34),
        processed_at,
      }));
    case 'upcoming_player_game_context':
      return people().map((p) => ({
        game_date: date,
        game_id: p.game_id,
        player_lookup: p.player_lookup,
        team_abbr: p.team_abbr,
        opponent_team_abbr: p.opponent_team_abbr,
        processed_at,
      }));
    case 'team_defense_game_summary':
      return clubs().map((t) => ({
        game_date: date,
        game_id: t.game_id,
        defending_team_abbr: t.team_abbr,
        opponent_team_abbr: t.opponent_team_abbr,
        points_allowed: n(`pa${t.team_abbr}${gameDate}`, 96, 128),
        processed_at,
      }));
    case 'team_offense_game_summary':
      return clubs().map((t) => ({
        game_date: date,
        game_id: t.game_id,
        team_abbr: t.team_abbr,
        points_scored: n(`ps${t.team_abbr}${gameDate}`, 96, 128),
        processed_at,
      }));
    case 'upcoming_team_game_context':
      return clubs().map((t) => ({
        game_date: date,
        game_id: t.game_id,
        team_abbr: t.team_abbr,
        opponent_team_abbr: t.opponent_team_abbr,
        processed_at,
      }));
    case 'team_defense_zone_analysis':
      return clubs().map((t) => ({
        analysis_date: date,
        team_abbr: t.team_abbr,
        paint_pct_allowed: 0.4 + noise(`tdza${t.team_abbr}`) / 5,
        processed_at,
      }));
    case 'player_shot_zone_analysis':
      return people().map((p) => ({
        analysis_date: date,
        player_lookup: p.player_lookup,
        paint_rate: noise(`psza${p.player_lookup}`),
        processed_at,
      }));
    case 'player_daily_cache':
      return people().map((p) => ({
        cache_date: date,
        player_lookup: p.player_lookup,
        points_avg_last_10: 4 + noise(`pdc${p.player_lookup}`) * 26,
        processed_at,
      }));
    case 'player_composite_factors':
      return people().map((p) => ({
        game_date: date,
        player_lookup: p.player_lookup,
        game_id: p.game_id,
        total_composite_adjustment: noise(`pcf${p.player_lookup}`) * 4 - 2,
        processed_at,
      }));
    case 'ml_feature_store_v2': {
      const cleanShare = opts.cleanShare ?? 0.88;
      return people().map((p, i, all) => {
        const clean = i < Math.round(all.length * cleanShare);
        return {
          game_date: date,
          player_lookup: p.player_lookup,
          game_id: p.game_id,
          feature_quality_score:
            Math.round((clean ? 82 + noise(`q${p.player_lookup}`) * 16 : 55 + noise(`q${p.player_lookup}`) * 20) * 10) /
            10,
          required_default_count: clean ? 0 : n(`d${p.player_lookup}`, 1, 4),
          default_feature_count: clean ? 0 : n(`d${p.player_lookup}`, 1, 4),
          processed_at,
        };
      });
    }
    case 'player_prop_predictions':
      return people().map((p) => ({
        game_date: date,
        player_lookup: p.player_lookup,
        game_id: p.game_id,
        predicted_points: Math.round((4 + noise(`pp${p.player_lookup}`) * 26) * 10) / 10,
        is_active: true,
        created_at: processed_at,
        processed_at,
      }));
    default:
      return undefined;
  }
}
