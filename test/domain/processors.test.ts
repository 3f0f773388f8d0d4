import { DEFAULT_CONFIG } from '../../config/defaults';
import { classNameToSnake, normalizeProcessorName } from '../../domain/processors';

const ALL = [3, 4].flatMap((phase) => DEFAULT_CONFIG.processors[phase as 3 | 4]);

describe('processor name normalisation (the legacy orchestrator rules)', () => {
  test.each([
    ['PlayerGameSummaryProcessor', 'player_game_summary'],
    ['TeamDefenseGameSummaryProcessor', 'team_defense_game_summary'],
    ['TeamOffenseGameSummaryProcessor', 'team_offense_game_summary'],
    ['UpcomingPlayerGameContextProcessor', 'upcoming_player_game_context'],
    ['UpcomingTeamGameContextProcessor', 'upcoming_team_game_context'],
    ['AsyncUpcomingPlayerGameContextProcessor', 'upcoming_player_game_context'],
    ['TeamDefenseZoneAnalysisProcessor', 'team_defense_zone_analysis'],
    ['PlayerShotZoneAnalysisProcessor', 'player_shot_zone_analysis'],
    ['PlayerDailyCacheProcessor', 'player_daily_cache'],
    ['PlayerCompositeFactorsProcessor', 'player_composite_factors'],
    ['MLFeatureStoreProcessor', 'ml_feature_store'],
  ])('%s -> %s', (className, expected) => {
    expect(classNameToSnake(className)).toBe(expected);
    expect(normalizeProcessorName(className, undefined, ALL)).toBe(expected);
  });

  test('an exact snake name matches first', () => {
    expect(normalizeProcessorName('player_daily_cache', undefined, ALL)).toBe('player_daily_cache');
  });

  test('output_table is used before the class name (ml_feature_store_v2, dataset-qualified too)', () => {
    expect(normalizeProcessorName('SomethingRenamedProcessor', 'ml_feature_store_v2', ALL)).toBe('ml_feature_store');
    expect(normalizeProcessorName('X', 'nba_analytics.player_game_summary', ALL)).toBe('player_game_summary');
  });

  test('an unknown processor is undefined, never a guess', () => {
    expect(normalizeProcessorName('MysteryProcessor', undefined, ALL)).toBeUndefined();
    expect(normalizeProcessorName('AsyncProcessor', 'unknown_table', ALL)).toBeUndefined();
  });
});
