/**
 * Continue-as-new within a cycle: a flood of messages trims the history into new runs that carry the day on.
 * Its own file, so its own time-skipping server: a flood leaves that server busy in ways later tests would feel.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { dayTimeInstant } from '../../domain/day-times';
import { createTimeSkippingEnv } from '../helpers/tools';
import { dayConfig, dayState, dayWorker, deliver, endDays, settle, startDay } from '../helpers/day-harness';
import { fakePlatform } from '../helpers/fake-platform';
import { completion } from '../helpers/messages';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterEach(async () => {
  await endDays();
});
afterAll(async () => {
  await env?.teardown();
});

describe('continue-as-new within a cycle keeps the day', () => {
  test('a flood of messages trims the history into new runs of the same cycle; counts and steps carry over', async () => {
    // The overnight cycle is the day's last: a run more than one can only be a continue-as-new within it.
    const gameDate = '2026-01-25';
    const config = await dayConfig(env, gameDate, 'D 17:30', { limits: { historyEvents: 400, messageIds: 50 } });
    const platform = fakePlatform({ config, client: env.client });
    const { worker, taskQueue } = await dayWorker(env, platform.activities);
    await worker.runUntil(async () => {
      const handle = await startDay(env, taskQueue, { gameDate, cycle: 'overnight' });
      const message = completion(
        config,
        2,
        'nbac_gamebook_player_stats',
        gameDate,
        dayTimeInstant(gameDate, 'D 22:00', config.timeZone),
      );
      for (let i = 0; i < 500; i++)
        await deliver(env, handle, [{ ...message, execution_id: `run-${i}` }], `flood-${i}`);
      // The last signals may still be in a workflow task; the run that holds all 500 is the newest one.
      let state = await dayState(env, handle);
      for (let tries = 0; tries < 100 && (state.runs < 2 || state.messages.received < 500); tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        state = await dayState(env, handle);
      }
      expect(state.cycle).toBe('overnight');
      expect(state.runs).toBeGreaterThan(1);
      expect(state.messages.received).toBe(500);
      expect(state.processors['2:nbac_gamebook_player_stats'].messages).toBe(500);
      expect(state.seenMessageIds.length).toBeLessThanOrEqual(50);
      const description = await env.client.workflow.getHandle(handle.workflowId).describe();
      expect(description.historyLength).toBeLessThan(600);
      await settle(env, handle);
    });
  }, 180_000);
});
