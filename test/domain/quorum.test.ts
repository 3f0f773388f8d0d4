import { evaluateQuorum } from '../../domain/quorum';
import { DEFAULT_CONFIG } from '../../config/defaults';

const rule = DEFAULT_CONFIG.lifecycle.overnight.phase3;

describe('phase 3 -> 4 quorum', () => {
  test('all expected complete', () => {
    expect(evaluateQuorum(rule, new Set(rule.expected))).toEqual({ kind: 'all_complete' });
  });
  test('3 of 5 with both critical ones is a partial quorum naming the missing', () => {
    const done = new Set(['player_game_summary', 'upcoming_player_game_context', 'team_defense_game_summary']);
    expect(evaluateQuorum(rule, done)).toEqual({
      kind: 'partial',
      missing: ['team_offense_game_summary', 'upcoming_team_game_context'],
    });
  });
  test('4 of 5 without a critical one is not enough', () => {
    const done = new Set([
      'player_game_summary',
      'team_defense_game_summary',
      'team_offense_game_summary',
      'upcoming_team_game_context',
    ]);
    expect(evaluateQuorum(rule, done)).toEqual({
      kind: 'insufficient',
      missing: ['upcoming_player_game_context'],
      missingCritical: ['upcoming_player_game_context'],
    });
  });
  test('2 of 5 with the critical ones is below the minimum', () => {
    const done = new Set(['player_game_summary', 'upcoming_player_game_context']);
    expect(evaluateQuorum(rule, done).kind).toBe('insufficient');
  });
  test('same_day: the upcoming player context alone is a quorum, the team context is not', () => {
    const sameDay = DEFAULT_CONFIG.lifecycle.same_day.phase3;
    expect(evaluateQuorum(sameDay, new Set()).kind).toBe('insufficient');
    expect(evaluateQuorum(sameDay, new Set(['upcoming_team_game_context'])).kind).toBe('insufficient');
    expect(evaluateQuorum(sameDay, new Set(['upcoming_player_game_context']))).toEqual({
      kind: 'partial',
      missing: ['upcoming_team_game_context'],
    });
  });
});
