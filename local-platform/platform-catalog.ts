/**
 * The platform's own scrapers and raw processors the simulated day runs, with their real names (read from the
 * platform's source). Some are processors Gameday tracks (the config names them); the rest are the background
 * traffic every topic carries.
 */
import type { ProcessorSpec } from '../domain/processors';

export interface PlatformProcessor extends ProcessorSpec {
  /** Raw processors whose input paths carry no date never publish (the schedule processor). */
  publishes?: boolean;
}

export const SCRAPERS = {
  schedule: { name: 'nbac_schedule_api', className: 'GetNbaComScheduleApi', outputTable: 'nbacscheduleapi' },
  props: {
    name: 'oddsa_current_event_odds',
    className: 'GetOddsApiCurrentEventOdds',
    outputTable: 'oddsacurrenteventodds',
  },
  events: { name: 'oddsa_events', className: 'GetOddsApiEvents', outputTable: 'oddsaevents' },
  playerBox: { name: 'nbac_player_boxscore', className: 'GetNbaComPlayerBoxscore', outputTable: 'nbacplayerboxscore' },
  teamBox: { name: 'nbac_team_boxscore', className: 'GetNbaComTeamBoxscore', outputTable: 'nbacteamboxscore' },
  gamebook: { name: 'nbac_gamebook_pdf', className: 'GetNbaComGamebookPdf', outputTable: 'nbacgamebookpdf' },
  injury: { name: 'nbac_injury_report', className: 'GetNbaComInjuryReport', outputTable: 'nbacinjuryreport' },
} satisfies Record<string, PlatformProcessor>;

export const RAW_PROCESSORS = {
  schedule: {
    name: 'nbac_schedule',
    className: 'NbacScheduleProcessor',
    outputTable: 'nbac_schedule',
    publishes: false,
  },
  props: {
    name: 'odds_api_player_points_props',
    className: 'OddsApiPropsBatchProcessor',
    outputTable: 'odds_api_player_points_props',
  },
  playerBox: {
    name: 'nbac_player_boxscores',
    className: 'NbacPlayerBoxscoreProcessor',
    outputTable: 'nbac_player_boxscores',
  },
  teamBox: { name: 'nbac_team_boxscore', className: 'NbacTeamBoxscoreProcessor', outputTable: 'nbac_team_boxscore' },
  gamebook: {
    name: 'nbac_gamebook_player_stats',
    className: 'NbacGamebookProcessor',
    outputTable: 'nbac_gamebook_player_stats',
  },
  injury: { name: 'nbac_injury_report', className: 'NbacInjuryReportProcessor', outputTable: 'nbac_injury_report' },
} satisfies Record<string, PlatformProcessor>;

export type ScrapeKind = keyof typeof SCRAPERS;

/**
 * The analytics service's own subscription to phase-2 completions (`ANALYTICS_TRIGGER_GROUPS`): the phase-3
 * processors (snake names) a phase-2 table runs for its date, level by level.
 */
export const ANALYTICS_TRIGGER_GROUPS: Record<string, string[][]> = {
  nbac_gamebook_player_stats: [['team_offense_game_summary', 'team_defense_game_summary'], ['player_game_summary']],
  nbac_player_boxscores: [['team_offense_game_summary', 'team_defense_game_summary'], ['player_game_summary']],
  nbac_team_boxscore: [['team_defense_game_summary', 'team_offense_game_summary']],
  nbac_schedule: [['upcoming_team_game_context']],
  nbac_injury_report: [['player_game_summary']],
  odds_api_player_points_props: [['upcoming_player_game_context']],
};
