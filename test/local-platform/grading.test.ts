/**
 * The `phase5b-grading` function's push endpoint (`POST {gradingPushUrl}`, topic nba-grading-trigger): it grades
 * the date's predictions (5 minutes of the day's time) and publishes the result on nba-grading-complete, with the
 * real function's keys in its order; `target_date` words resolve in UTC, as the real function does.
 */
import { loadConfig } from '../../config/load';
import { toRunSettings } from '../../config/run-settings';
import { interpretMessage } from '../../domain/messages';
import { type GradingEvent, type PublishEvent, type Scenario } from '../../local-platform';
import { useLocalPlatform } from '../helpers/local-platform';

// Grading takes 5 minutes of the day's time: 300 ms at 1/1000.
const config = loadConfig({}, { timeScale: 1 / 1000 });
const SCENARIO: Scenario = {
  name: 'grading',
  gamesByDate: { '2026-01-10': 2, '2026-01-11': 2, '2026-01-12': 2, '2026-01-14': 3 },
  coordinator: { playersPerGame: 10, msPerPlayer: 100 },
};
/** 22:00 on 2026-01-14 in New York: already 2026-01-15 in UTC. */
const clock = { now: new Date('2026-01-15T03:00:00.500Z') };

const local = useLocalPlatform({ config, scenario: SCENARIO, now: () => clock.now });
beforeEach(() => local.platform.setScenario(SCENARIO));

function envelope(data: unknown, messageId: string, attributes: Record<string, string> = {}) {
  return {
    message: {
      data: Buffer.from(typeof data === 'string' ? data : JSON.stringify(data)).toString('base64'),
      messageId,
      publishTime: new Date().toISOString(),
      attributes,
    },
    subscription: 'projects/nba-props-platform/subscriptions/nba-grading-trigger-phase5b',
  };
}
async function push(body: unknown) {
  const res = await fetch(`${local.platform.url}/grading/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: text ? (JSON.parse(text) as any) : undefined };
}
const gradings = () => local.platform.events().filter((e): e is GradingEvent => e.type === 'grading');
const graded = (correlationId: string) =>
  local.platform
    .events()
    .filter(
      (e): e is PublishEvent =>
        e.type === 'publish' && e.topic === 'nba-grading-complete' && e.message.correlation_id === correlationId,
    );
async function gradingResult(correlationId: string): Promise<PublishEvent> {
  await local.receiver.waitFor((acked) => acked.some((m) => m.correlation_id === correlationId), 10_000);
  return graded(correlationId)[0];
}

/** Predictions for the date first: one batch of all its players, its completion acknowledged. */
async function predictAll(gameDate: string): Promise<void> {
  const start = await fetch(`${local.platform.url}/coordinator/start`, {
    method: 'POST',
    body: JSON.stringify({ game_date: gameDate, prediction_run_mode: 'LAST_CALL' }),
  });
  expect(start.status).toBe(202);
  await local.receiver.waitFor(
    (acked) => acked.some((m) => m.phase === 'phase_5_predictions' && m.game_date === gameDate),
    10_000,
  );
}

describe('POST /grading/push', () => {
  it('grades the date after the day-time it takes and publishes nba-grading-complete, keys in the real order', async () => {
    await predictAll('2026-01-10');

    const res = await push(
      envelope(
        { target_date: '2026-01-10', run_aggregation: true, correlation_id: 'g-1', trigger_source: 'gameday' },
        'grade-1',
        { idempotency_key: 'gameday-2026-01-10:grading' },
      ),
    );
    expect(res.status).toBe(204);
    expect(gradings().find((g) => g.messageId === 'grade-1')).toMatchObject({
      targetDate: '2026-01-10',
      duplicate: false,
      idempotencyKey: 'gameday-2026-01-10:grading',
    });
    const event = await gradingResult('g-1');
    expect(event.subscription).toBe('projects/nba-props-platform/subscriptions/nba-grading-complete-gameday');
    expect(Object.keys(event.message)).toEqual([
      'processor_name',
      'phase',
      'correlation_id',
      'timestamp',
      'target_date',
      'status',
      'duration_seconds',
      'predictions_found',
      'graded_count',
      'mae',
      'bias',
      'recommendation_accuracy',
      'auto_heal_attempted',
      'auto_heal_retries',
      'auto_heal_error',
      'auto_heal_status_code',
      'validation_passed',
      'validation_issues',
      'aggregation_status',
      'trigger_source',
    ]);
    expect(event.message).toMatchObject({
      processor_name: 'Phase5BGrading',
      phase: 'phase_5b_grading',
      target_date: '2026-01-10',
      status: 'success',
      predictions_found: 20,
      graded_count: 20,
      validation_passed: true,
      trigger_source: 'gameday',
    });
    // its own json.dumps: nulls are kept (this is not the shared completion publisher), floats as floats
    expect(event.data).toContain('"duration_seconds": 300.0, "predictions_found": 20, "graded_count": 20, "mae": 4.87');
    expect(event.data).toContain('"auto_heal_error": null, "auto_heal_status_code": null, "validation_passed": true');
    expect(
      interpretMessage(JSON.parse(event.data), { subscription: event.subscription }, toRunSettings(config).catalog),
    ).toMatchObject({
      kind: 'grading',
      gameDate: '2026-01-10',
      status: 'success',
      gradedCount: 20,
      predictionsFound: 20,
    });
  });

  it('a date without predictions is skipped; its games not all Final fail validation', async () => {
    // 2026-01-14's games are at 19:00-20:00 ET: at 22:00 ET some are still playing
    expect((await push(envelope({ target_date: '2026-01-14', correlation_id: 'g-none' }, 'grade-2'))).status).toBe(204);
    const event = await gradingResult('g-none');
    expect(event.message).toMatchObject({
      target_date: '2026-01-14',
      status: 'skipped',
      predictions_found: 0,
      graded_count: 0,
      validation_passed: false,
      trigger_source: 'unknown',
    });
  });

  it('"yesterday" (the default) and "today" resolve in UTC, not in New York', async () => {
    expect((await push(envelope({ correlation_id: 'g-default' }, 'grade-3'))).status).toBe(204);
    expect((await push(envelope({ target_date: 'today', correlation_id: 'g-today' }, 'grade-4'))).status).toBe(204);
    expect(gradings().find((g) => g.messageId === 'grade-3')?.targetDate).toBe('2026-01-14');
    expect(gradings().find((g) => g.messageId === 'grade-4')?.targetDate).toBe('2026-01-15');
    expect((await gradingResult('g-default')).message.target_date).toBe('2026-01-14');
    // correlation_id defaults to "scheduled"
    expect((await push(envelope({ target_date: '2026-01-11' }, 'grade-5'))).status).toBe(204);
    expect((await gradingResult('scheduled')).message.target_date).toBe('2026-01-11');
  });

  it('a redelivered messageId is recorded as a duplicate and graded once', async () => {
    const message = envelope({ target_date: '2026-01-11', correlation_id: 'g-dup' }, 'grade-dup');
    expect((await push(message)).status).toBe(204);
    expect((await push(message)).status).toBe(204);
    expect(
      gradings()
        .filter((g) => g.messageId === 'grade-dup')
        .map((g) => g.duplicate),
    ).toEqual([false, true]);
    await gradingResult('g-dup');
    await new Promise((r) => setTimeout(r, 400)); // a second grading would have finished by now
    await local.platform.deliveriesSettled();
    expect(graded('g-dup')).toHaveLength(1);
  });

  it('the scenario can make grading fail', async () => {
    local.platform.setScenario({ ...SCENARIO, grading: { status: 'failed' } });
    expect((await push(envelope({ target_date: '2026-01-11', correlation_id: 'g-fail' }, 'grade-6'))).status).toBe(204);
    expect((await gradingResult('g-fail')).message.status).toBe('failed');
  });

  it('missing actual results: auto_heal_pending, player_game_summary re-runs and publishes, the next grading grades', async () => {
    local.platform.setScenario({ ...SCENARIO, grading: { missingActualsRuns: 1 } });
    await predictAll('2026-01-12');
    expect((await push(envelope({ target_date: '2026-01-12', correlation_id: 'g-heal' }, 'grade-7'))).status).toBe(204);
    expect((await gradingResult('g-heal')).message).toMatchObject({
      status: 'auto_heal_pending',
      predictions_found: 20,
      graded_count: 0,
      auto_heal_attempted: true,
    });
    const rerun = await local.receiver.waitFor(
      (acked) => acked.some((m) => m.processor_name === 'PlayerGameSummaryProcessor' && m.game_date === '2026-01-12'),
      10_000,
    );
    expect(rerun.filter((m) => m.processor_name === 'PlayerGameSummaryProcessor')).toHaveLength(1);
    expect((await push(envelope({ target_date: '2026-01-12', correlation_id: 'g-healed' }, 'grade-8'))).status).toBe(
      204,
    );
    expect((await gradingResult('g-healed')).message).toMatchObject({ status: 'success', graded_count: 20 });
  });

  it.each([
    ['a date word it does not know', { target_date: 'tomorrow' }, 'target_date "tomorrow" is not a date'],
    ['an impossible date', { target_date: '2026-02-30' }, 'is not a date'],
    ['a non-boolean run_aggregation', { target_date: '2026-01-11', run_aggregation: 'yes' }, 'run_aggregation'],
  ])('400 for %s, nothing graded', async (_label, data, reason) => {
    const before = gradings().length;
    const res = await push(envelope(data, `bad-${_label}`));
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(reason);
    expect(gradings()).toHaveLength(before);
  });
});
