/**
 * Continue-as-new within a cycle: a flood of messages trims the history into new runs that carry the day on.
 * Its own file, so its own time-skipping server: a flood leaves that server busy in ways later tests would feel.
 */
import { dayTimeInstant } from '../../domain/day-times';
import { dayConfig, dayState, dayWorker, deliver, settle, startDay, useTimeSkippingDays } from '../helpers/day-harness';
import { fakePlatform } from '../helpers/fake-platform';
import { completion } from '../helpers/messages';

const days = useTimeSkippingDays();

describe('continue-as-new within a cycle keeps the day', () => {
  test('a flood of messages trims the history into new runs of the same cycle; counts and steps carry over', async () => {
    // The overnight cycle is the day's last: a run more than one can only be a continue-as-new within it.
    const gameDate = '2026-01-25';
    const config = await dayConfig(days.env, gameDate, 'D 17:30', { limits: { historyEvents: 400, messageIds: 50 } });
    const platform = fakePlatform({ config, client: days.env.client });
    const { worker, taskQueue } = await dayWorker(days.env, platform.activities);
    await worker.runUntil(async () => {
      const handle = await startDay(days.env, taskQueue, { gameDate, cycle: 'overnight' });
      const message = completion(
        config,
        2,
        'nbac_gamebook_player_stats',
        gameDate,
        dayTimeInstant(gameDate, 'D 22:00', config.timeZone),
      );
      for (let i = 0; i < 500; i++)
        await deliver(days.env, handle, [{ ...message, execution_id: `run-${i}` }], `flood-${i}`);
      // The last signals may still be in a workflow task; the run that holds all 500 is the newest one.
      let state = await dayState(days.env, handle);
      for (let tries = 0; tries < 100 && (state.runs < 2 || state.messages.received < 500); tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        state = await dayState(days.env, handle);
      }
      expect(state.cycle).toBe('overnight');
      expect(state.runs).toBeGreaterThan(1);
      expect(state.messages.received).toBe(500);
      expect(state.processors['2:nbac_gamebook_player_stats'].messages).toBe(500);
      expect(state.seenMessageIds.length).toBeLessThanOrEqual(50);
      const description = await days.env.client.workflow.getHandle(handle.workflowId).describe();
      expect(description.historyLength).toBeLessThan(600);
      await settle(days.env, handle);
    });
  }, 180_000);
});
