import { loadConfig } from '../../config/load';
import { interpretMessage, type MessageCatalog } from '../../domain/messages';
import { REAL_MESSAGES } from '../fixtures/platform-messages';

const config = loadConfig({});
const catalog: MessageCatalog = { processors: config.processors, topics: config.topics };
const subscriptionOf = (topic: (typeof REAL_MESSAGES)[number]['topic']) =>
  `projects/nba-props-platform/subscriptions/${topic === 'grading' ? config.topics.gradingComplete : topic === 'export' ? config.topics[6] : config.topics[topic]}-gameday`;

describe('every real message shape is interpreted as the legacy orchestrators would, never thrown', () => {
  const expected: Record<string, string> = {
    'phase 1 props scraper (published as oddsa_current_event_odds)':
      'completion phase 1 oddsa_current_event_odds success counts',
    'phase 1 failure, date from the container (UTC) clock, error_type "type"':
      'completion phase 1 nbac_player_boxscore failed',
    'phase 1 hourly injury report (no orchestrator uses it)': 'ignored untracked_processor',
    "phase 1 cleanup job's re-publish (no processor_name, no game_date)": 'unusable no_processor_name',
    "phase 1 ESPN roster scraper's own format (no processor_name)": 'unusable no_processor_name',
    'phase 2 gamebook (class name, dataset-prefixed table, duration 0)':
      'completion phase 2 nbac_gamebook_player_stats success counts',
    'phase 2 props batch processor': 'completion phase 2 odds_api_player_points_props success counts',
    'phase 2 dead legacy publisher (numeric phase, no processor_name)': 'unusable no_processor_name',
    'phase 3 player game summary': 'completion phase 3 player_game_summary success counts',
    'phase 3 upcoming player context from the async route':
      'completion phase 3 upcoming_player_game_context success counts',
    'phase 3 run without an end date: game_date "None"': 'unusable bad_date',
    'phase 3 failure (error_type "str", duration 0)': 'completion phase 3 team_defense_game_summary failed',
    'phase 3 dead legacy publisher (numeric phase)': 'unusable no_processor_name',
    'phase 4 ML feature store (table ml_feature_store_v2)': 'completion phase 4 ml_feature_store success counts',
    'phase 4 scheduled run (trigger_source scheduler), not triggered by Gameday':
      'completion phase 4 player_composite_factors success counts',
    'phase 5 coordinator batch summary (status always success, completion_pct float)':
      'completion phase 5 prediction_coordinator success counts',
    'grading complete (target_date, no game_date)': 'grading 2026-01-15 success',
    'export complete': 'export 2026-01-15 success',
  };

  test.each(REAL_MESSAGES.map((m) => [m.name, m] as const))('%s', (name, message) => {
    const interpretation = interpretMessage(
      JSON.parse(message.data),
      { messageId: '1', subscription: subscriptionOf(message.topic) },
      catalog,
    );
    const summary =
      interpretation.kind === 'completion'
        ? `completion phase ${interpretation.phase} ${interpretation.processor} ${interpretation.status}${interpretation.counts ? ' counts' : ''}`
        : interpretation.kind === 'grading' || interpretation.kind === 'export'
          ? `${interpretation.kind} ${interpretation.gameDate} ${interpretation.status}`
          : `${interpretation.kind} ${interpretation.code}`;
    expect(summary).toBe(expected[name]);
  });

  test('the phase comes from the subscription first: a message without a phase field on the phase-3 topic is phase 3', () => {
    const message = JSON.parse(REAL_MESSAGES.find((m) => m.name === 'phase 3 player game summary')!.data);
    delete message.phase;
    const viaTopic = interpretMessage(message, { subscription: subscriptionOf(3) }, catalog);
    expect(viaTopic).toMatchObject({ kind: 'completion', phase: 3, processor: 'player_game_summary' });
    expect(interpretMessage(message, undefined, catalog)).toMatchObject({ kind: 'unusable', code: 'no_phase' });
  });

  test('the coordinator batch keeps its completion percentage; the batch id is the execution id', () => {
    const message = JSON.parse(REAL_MESSAGES.find((m) => m.topic === 5)!.data);
    expect(interpretMessage(message, { subscription: subscriptionOf(5) }, catalog)).toMatchObject({
      executionId: 'batch_2026-01-15_1768482001',
      completionPct: 98.63013698630137,
    });
  });

  test.each([
    ['a negative record_count', { record_count: -5 }, 'bad_field'],
    ['a record_count that is text', { record_count: '12' }, 'bad_field'],
    ['processor_name not a string', { processor_name: 42 }, 'bad_field'],
    ['an unknown status', { status: 'skipped' }, 'bad_status'],
    ['a date that is not a date', { game_date: '2026-02-30' }, 'bad_date'],
  ])('%s is unusable, with a stable code', (_what, change, code) => {
    const message = {
      ...JSON.parse(REAL_MESSAGES.find((m) => m.name === 'phase 3 player game summary')!.data),
      ...change,
    };
    expect(interpretMessage(message, { subscription: subscriptionOf(3) }, catalog)).toMatchObject({
      kind: 'unusable',
      code,
    });
  });

  test('a 10 KB processor name is never echoed whole', () => {
    const message = {
      ...JSON.parse(REAL_MESSAGES.find((m) => m.name === 'phase 3 player game summary')!.data),
      processor_name: 'X'.repeat(10_000),
      output_table: 'nope',
    };
    const interpretation = interpretMessage(message, { subscription: subscriptionOf(3) }, catalog);
    expect(interpretation.kind).toBe('ignored');
    expect(JSON.stringify(interpretation).length).toBeLessThan(500);
  });

  test('a field nested deeper than any stack can write is unusable, not thrown', () => {
    const deep = JSON.parse(`${'['.repeat(20_000)}${']'.repeat(20_000)}`) as unknown;
    const pgs = JSON.parse(REAL_MESSAGES.find((m) => m.name === 'phase 3 player game summary')!.data) as object;
    const interpretation = interpretMessage({ ...pgs, game_date: deep }, { subscription: subscriptionOf(3) }, catalog);
    expect(interpretation).toMatchObject({
      kind: 'unusable',
      code: 'bad_date',
      reason: expect.stringContaining('[an array of 1]'),
    });
  });

  test('"today" or "yesterday" at a timestamp past year 9999 is no date', () => {
    const grading = JSON.parse(REAL_MESSAGES.find((m) => m.name.startsWith('grading complete'))!.data) as object;
    for (const target_date of ['today', 'yesterday']) {
      const message = { ...grading, target_date, timestamp: '+010000-01-01T00:00:00+00:00' };
      expect(interpretMessage(message, { subscription: subscriptionOf('grading') }, catalog)).toMatchObject({
        kind: 'unusable',
        code: 'bad_date',
      });
    }
  });

  test('not an object: unusable', () => {
    for (const raw of [null, 42, 'text', [1, 2]])
      expect(interpretMessage(raw, undefined, catalog)).toMatchObject({ kind: 'unusable', code: 'not_an_object' });
  });
});
