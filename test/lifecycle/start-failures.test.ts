/**
 * A failure before the day's phases start (its settings, its schedule) never fails the date: retried, then alerted
 * once, then retried on a timer; completions that arrive meanwhile are kept and counted once the day starts.
 */
import { ApplicationFailure } from '@temporalio/common';
import { settingsActivities } from '../../activities/settings';
import { dayTimeInstant } from '../../domain/day-times';
import { dayConfig, dayState, dayWorker, deliver, settle, startDay, useTimeSkippingDays } from '../helpers/day-harness';
import { fakePlatform } from '../helpers/fake-platform';
import { completion } from '../helpers/messages';

const days = useTimeSkippingDays();

test.each([
  ['the run settings', 'loadRunSettings'],
  ['the plan of the day', 'planDay'],
] as const)(
  '%s failing: one START_FAILED alert, retries every 15 minutes, then the day starts with its messages',
  async (what, activity) => {
    const gameDate = activity === 'planDay' ? '2026-01-29' : '2026-01-28';
    const config = await dayConfig(days.env, gameDate, 'D 04:30');
    const broken = { now: true, calls: 0 };
    const real = settingsActivities(config);
    const platform = fakePlatform({
      config,
      client: days.env.client,
      overrides: {
        [activity]: async (...args: never[]) => {
          broken.calls += 1;
          if (broken.now)
            throw ApplicationFailure.create({ message: 'settings store unreachable', type: 'Unavailable' });
          return (real[activity] as (...a: never[]) => Promise<unknown>)(...args);
        },
      },
    });
    const { worker, taskQueue } = await dayWorker(days.env, platform.activities);
    await worker.runUntil(async () => {
      const handle = await startDay(days.env, taskQueue, { gameDate, cycle: 'same_day' });
      await deliver(days.env, handle, [
        completion(
          config,
          3,
          'upcoming_player_game_context',
          gameDate,
          dayTimeInstant(gameDate, 'D 04:30', config.timeZone),
        ),
      ]);
      // The activity's four attempts (in the worker, real time), then the alert and a 15-minute timer.
      const alerted = () => platform.alerts.filter((a) => a.kind === 'START_FAILED');
      for (let waited = 0; !alerted().length && waited < 30_000; waited += 100)
        await new Promise((r) => setTimeout(r, 100));
      expect(alerted()).toHaveLength(1);
      expect(alerted()[0].message).toBe(
        `${gameDate}: ${what} cannot be loaded (settings store unreachable); the day has not started and retries every 15 minutes`,
      );
      expect(broken.calls).toBe(4);
      // 15 minutes later, four attempts again; no second alert.
      await days.env.sleep(15 * 60_000 + 1000);
      for (let waited = 0; broken.calls < 8 && waited < 30_000; waited += 100)
        await new Promise((r) => setTimeout(r, 100));
      expect(broken.calls).toBe(8);
      expect(alerted()).toHaveLength(1);
      expect((await handle.describe()).status.name).toBe('RUNNING');

      broken.now = false;
      await days.env.sleep(16 * 60_000);
      const state = await dayState(days.env, handle);
      expect(state.cycle).toBe('same_day');
      expect(state.messages.counted).toBe(1);
      expect(platform.alerts.filter((a) => a.kind === 'START_FAILED')).toHaveLength(1);
      await settle(days.env, handle);
    });
  },
  120_000,
);
