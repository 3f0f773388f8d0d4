/**
 * A grading run that could not grade yet. The grading function answers `auto_heal_pending` when D's actual results
 * are missing (it has re-run player_game_summary itself) and `skipped` when there is nothing to grade. Gameday
 * triggers grading again once player_game_summary completes, or at the latest `retryUngraded.waitMinutes` later, up to
 * `retryUngraded.times` times; a date with no predictions is done (degraded); `failed` still needs an operator.
 */
import type { GamedayConfig } from '../../config/schema';
import type { DayState } from '../../contracts/state';
import { dayTimeInstant } from '../../domain/day-times';
import { formatTimeET } from '../../domain/dates';
import {
  dayConfig,
  dayResult,
  dayState,
  dayWorker,
  deliver,
  skipTo,
  startDay,
  useTimeSkippingDays,
} from '../helpers/day-harness';
import { fakePlatform, type FakePlatform } from '../helpers/fake-platform';
import { completion } from '../helpers/messages';

const days = useTimeSkippingDays();
type DayHandle = Awaited<ReturnType<typeof startDay>>;

/** An overnight cycle with phase 3 in at 23:00; `drive` goes on from there, then the day runs to its end. */
async function overnight(
  gameDate: string,
  platformOptions: { gradingStatuses: string[]; predictionsFound?: number },
  drive: (handle: DayHandle, config: GamedayConfig) => Promise<void> = async () => undefined,
): Promise<{ result: DayState; platform: FakePlatform }> {
  const config = await dayConfig(days.env, gameDate, 'D 22:30');
  const platform = fakePlatform({ config, client: days.env.client, ...platformOptions });
  const { worker, taskQueue } = await dayWorker(days.env, platform.activities);
  const result = await worker.runUntil(async () => {
    const handle = await startDay(days.env, taskQueue, { gameDate, cycle: 'overnight' });
    const at = dayTimeInstant(gameDate, 'D 23:00', config.timeZone);
    await skipTo(days.env, handle, config, gameDate, 'D 23:00');
    await deliver(
      days.env,
      handle,
      config.lifecycle.overnight.phase3.expected.map((n) => completion(config, 3, n, gameDate, at)),
    );
    await drive(handle, config);
    await skipTo(days.env, handle, config, gameDate, 'D+1 09:30');
    return dayResult(days.env, handle);
  });
  return { result, platform };
}

const gradingOf = (state: DayState) => state.cycles.overnight.steps.find((s) => s.kind === 'grading')!;
const triggers = (platform: FakePlatform) =>
  platform
    .of('publishGradingTrigger')
    .map((c) => [
      formatTimeET(c.at),
      (c.args[0] as { idempotencyKey: string }).idempotencyKey.split(':').slice(2).join(':'),
    ]);

test('auto_heal_pending: triggered again as soon as player_game_summary completes again, then graded', async () => {
  const gameDate = '2026-02-03';
  const { result, platform } = await overnight(
    gameDate,
    { gradingStatuses: ['auto_heal_pending'] },
    async (handle, config) => {
      await skipTo(days.env, handle, config, gameDate, 'D+1 01:00');
      const waiting = gradingOf(await dayState(days.env, handle));
      expect([waiting.status, waiting.waitingFor, waiting.grading?.status]).toEqual([
        'WAITING',
        'player_game_summary again (grading answered auto_heal_pending; try 1 of 2)',
        'auto_heal_pending',
      ]);
      const healed = dayTimeInstant(gameDate, 'D+1 01:00', config.timeZone);
      await deliver(days.env, handle, [completion(config, 3, 'player_game_summary', gameDate, healed)], 'healed');
      await skipTo(days.env, handle, config, gameDate, 'D+1 01:30');
    },
  );
  expect(triggers(platform)).toEqual([
    ['12:00 AM ET', 'overnight/grading'],
    ['1:00 AM ET', 'overnight/grading:retry1'],
  ]);
  const grading = gradingOf(result);
  expect([grading.status, grading.outcome, grading.grading?.retries]).toEqual(['DONE', 'graded 140 predictions', 1]);
  expect(result.alerts.filter((a) => a.phase === 5)).toEqual([]);
  expect(result.status).toBe('COMPLETE');
}, 120_000);

test('auto_heal_pending again and again with no new box scores: re-triggered on the timer twice, then FAILED with one alert', async () => {
  const gameDate = '2026-02-04';
  const pending = ['auto_heal_pending', 'auto_heal_pending', 'auto_heal_pending'];
  const { result, platform } = await overnight(gameDate, { gradingStatuses: pending });
  // Each run publishes 2 min after its trigger; the next trigger is 90 min after that.
  expect(triggers(platform)).toEqual([
    ['12:00 AM ET', 'overnight/grading'],
    ['1:32 AM ET', 'overnight/grading:retry1'],
    ['3:04 AM ET', 'overnight/grading:retry2'],
  ]);
  const grading = gradingOf(result);
  expect([grading.status, grading.outcome]).toEqual([
    'FAILED',
    'grading ended status auto_heal_pending after 2 re-trigger(s)',
  ]);
  expect(result.alerts.filter((a) => a.phase === 5).map((a) => a.kind)).toEqual(['STEP_FAILED']);
}, 120_000);

test('skipped with no predictions: nothing to grade, done (degraded), not triggered again', async () => {
  const { result, platform } = await overnight('2026-02-05', { gradingStatuses: ['skipped'], predictionsFound: 0 });
  expect(triggers(platform)).toHaveLength(1);
  const grading = gradingOf(result);
  expect([grading.status, grading.degraded, grading.outcome]).toEqual([
    'DONE',
    true,
    'nothing to grade: the grading run found no predictions of the date',
  ]);
}, 120_000);

test('failed: not triggered again by itself; FAILED with one alert naming the fix', async () => {
  const { result, platform } = await overnight('2026-02-06', { gradingStatuses: ['failed'] });
  expect(triggers(platform)).toHaveLength(1);
  expect(gradingOf(result)).toMatchObject({ status: 'FAILED', outcome: 'grading ended status failed' });
  const alerts = result.alerts.filter((a) => a.phase === 5);
  expect(alerts.map((a) => [a.kind, a.fixCommand])).toEqual([['STEP_FAILED', expect.stringContaining('--phase 5')]]);
}, 120_000);
