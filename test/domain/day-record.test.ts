/** The day's record: counting completions whatever the arrival order, once per run, once per Pub/Sub message. */
import { loadConfig } from '../../config/load';
import type { DayState } from '../../contracts/state';
import { interpretMessage, type MessageCatalog } from '../../domain/messages';
import { planDay } from '../../domain/day-plan';
import { applyMessage, newDayState, phase3View, processorKey } from '../../workflows/day/record';
import { findGaps } from '../../workflows/rules/gap-check';
import { completion } from '../helpers/messages';

const config = loadConfig({});
const catalog: MessageCatalog = { processors: config.processors, topics: config.topics };
const gameDate = '2026-01-15';
const sub3 = `projects/p/subscriptions/${config.topics[3]}-gameday`;

function freshState(): DayState {
  const plan = planDay(gameDate, config.lifecycle, config.timeZone);
  const now = Date.parse('2026-01-15T20:00:00Z');
  return newDayState({
    gameDate,
    workflowId: `gameday-${gameDate}`,
    runId: 'r1',
    plan,
    clock: { scale: 1, virtualAnchorMs: now, realAnchorMs: now },
    now,
    startCycle: 'overnight',
  });
}

function apply(state: DayState, message: unknown, messageId: string) {
  const delivery = { messageId, subscription: sub3 };
  return applyMessage(state, interpretMessage(message, delivery, catalog), delivery, Date.now(), 500);
}

const permutations = <T>(items: T[]): T[][] =>
  items.length <= 1
    ? [items]
    : items.flatMap((item, i) =>
        permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
      );

describe('one run that published success and failed (a later step raised)', () => {
  const at = Date.parse('2026-01-16T04:00:00Z');
  const success = completion(config, 3, 'player_game_summary', gameDate, at);
  const failed = {
    ...success,
    status: 'failed',
    error_message: 'save step raised',
    error_type: 'str',
    record_count: 0,
  };
  const redelivered = { ...success };
  test.each(
    permutations([
      ['success', success],
      ['failed', failed],
      ['redelivery', redelivered],
    ] as const).map((p) => [p.map(([n]) => n).join(' -> '), p] as const),
  )('%s: counted once, as complete', (_order, sequence) => {
    const state = freshState();
    sequence.forEach(([name, message]) => apply(state, message, `msg-${name}`));
    const runs = state.processors['3:player_game_summary'].runs;
    expect(runs).toHaveLength(1);
    expect(runs[0].status).toBe('success');
    expect(state.messages.counted).toBe(1);
    const view = phase3View(
      state,
      config.lifecycle.overnight.phase3,
      Date.parse(state.cycles.overnight.countFrom),
      Date.parse(state.cycles.tomorrow.countFrom),
      1_800_000,
    );
    expect(view.progress.complete).toContain('player_game_summary');
  });
});

describe('redeliveries', () => {
  test('500 deliveries of one Pub/Sub message ID count once', () => {
    const state = freshState();
    const message = completion(config, 3, 'team_offense_game_summary', gameDate, Date.parse('2026-01-16T04:00:00Z'));
    const outcomes = Array.from({ length: 500 }, () => apply(state, message, 'the-same-id').kind);
    expect(outcomes[0]).toBe('counted');
    expect(outcomes.slice(1).every((k) => k === 'duplicate')).toBe(true);
    expect(state.messages).toMatchObject({ received: 500, counted: 1, duplicates: 499 });
    expect(state.processors['3:team_offense_game_summary'].runs).toHaveLength(1);
  });

  test('the remembered IDs are bounded, and a run re-sent under a new ID is still counted once', () => {
    const state = freshState();
    const message = completion(config, 3, 'team_offense_game_summary', gameDate, Date.parse('2026-01-16T04:00:00Z'));
    for (let i = 0; i < 1200; i++) apply(state, message, `id-${i}`);
    expect(state.seenMessageIds.length).toBe(500);
    expect(state.messages.counted).toBe(1);
  });
});

describe('what cannot be used is counted and shown, never thrown', () => {
  test('unusable and ignored messages by reason, with the newest samples', () => {
    const state = freshState();
    apply(
      state,
      { ...completion(config, 3, 'upcoming_team_game_context', gameDate, Date.now()), game_date: 'None' },
      'a',
    );
    apply(state, { scraper_name: 'nbac_player_boxscore', execution_id: 'recovery-1', status: 'success' }, 'b');
    apply(
      state,
      {
        ...completion(config, 3, 'player_game_summary', gameDate, Date.now()),
        processor_name: 'SomeOtherProcessor',
        output_table: 'x',
      },
      'c',
    );
    apply(state, completion(config, 3, 'player_game_summary', '2026-01-14', Date.now()), 'd');
    expect(state.messages).toMatchObject({ received: 4, unusable: 2, ignored: 2, counted: 0 });
    expect(state.messages.byReason).toEqual({
      bad_date: 1,
      no_processor_name: 1,
      untracked_processor: 1,
      other_date: 1,
    });
    expect(state.messages.recent.map((r) => r.code)).toEqual(['bad_date', 'no_processor_name', 'other_date']);
  });
});

describe('grading completions, as the phase5b-grading function publishes them', () => {
  const grading = (status: string, predictionsFound: number | undefined, graded: number) => ({
    processor_name: 'Phase5BGrading',
    phase: 'phase_5b_grading',
    correlation_id: 'c',
    timestamp: '2026-01-16T06:00:00+00:00',
    target_date: gameDate,
    status,
    predictions_found: predictionsFound,
    graded_count: graded,
    auto_heal_attempted: status.startsWith('auto_heal'),
  });

  test.each([
    ['success', 140, 140, 'success', undefined],
    ['auto_heal_pending', 140, 0, 'failed', 'auto_heal_pending'],
    ['auto_heal_failed', 140, 0, 'failed', 'auto_heal_failed'],
    ['skipped', 140, 0, 'failed', 'skipped'],
    ['skipped', 0, 0, 'no_data', 'skipped'],
    ['skipped', undefined, 0, 'failed', 'skipped'],
    ['failed', 140, 0, 'failed', undefined],
  ])('%s with %s predictions found: recorded %s, its own status kept (%s)', (status, found, graded, as, reported) => {
    const state = freshState();
    const delivery = {
      messageId: 'g',
      subscription: `projects/p/subscriptions/${config.topics.gradingComplete}-gameday`,
    };
    const message = grading(status, found, graded);
    applyMessage(state, interpretMessage(message, delivery, catalog), delivery, Date.now(), 500);
    const [run] = state.processors[processorKey(5, 'grading')].runs;
    expect([run.status, run.reportedStatus, run.recordCount, run.error]).toEqual([
      as,
      reported,
      graded,
      status === 'success' ? undefined : `status ${status}`,
    ]);
  });
});

describe('the gap check', () => {
  test('a batch at the bar whose active rows never came is a gap, with the gate reason', () => {
    const state = newDayState({
      gameDate,
      workflowId: `gameday-${gameDate}`,
      runId: 'r1',
      plan: planDay(gameDate, config.lifecycle, config.timeZone),
      clock: { scale: 1, virtualAnchorMs: 0, realAnchorMs: 0 },
      now: Date.parse('2026-01-15T09:00:00Z'),
      startCycle: 'same_day',
    });
    state.gamesScheduled = 7;
    state.predictions = { ready: true, completionPct: 100, batchId: 'b1' };
    expect(findGaps(state).filter((g) => g.startsWith('predictions') || g.startsWith('no prediction'))).toEqual([]);
    const deadline = state.cycles.same_day.steps.find((s) => s.kind === 'predictions-deadline')!;
    deadline.status = 'FAILED';
    deadline.gate = { status: 'BLOCKED', attempts: 70, checks: [], reason: '0 active predictions (need >= 10)' };
    expect(findGaps(state)).toContain('predictions: 0 active predictions (need >= 10)');
    state.predictions = { ready: false };
    expect(findGaps(state)).toContain('no prediction batch reached the bar');
  });
});
