/**
 * One date's whole day on the time-skipping server, from D-1 16:55 to D+1 09:00 ET: every trigger at its configured
 * time, the three cycles as three runs (continue-as-new carries the state), on an ordinary date and across both
 * 2026 daylight-saving changes.
 */
import { processorCompletedSignal } from '../../contracts/workflow-api';
import type { DayState } from '../../contracts/state';
import { dayTimeInstant } from '../../domain/day-times';
import { formatTimeET, addDays } from '../../domain/dates';
import { realDelayUntil } from '../../domain/clock';
import { dayConfig, dayState, dayWorker, startDay, useTimeSkippingDays } from '../helpers/day-harness';
import { fakePlatform, type FakePlatform } from '../helpers/fake-platform';
import { completion } from '../helpers/messages';

const days = useTimeSkippingDays();

/** "HH:MM" of a day-time instant in ET, and the date it falls on. */
const wall = (ms: number) =>
  `${new Date(ms).toLocaleDateString('en-CA', { timeZone: 'America/New_York' })} ${formatTimeET(ms).replace(' ET', '')}`;

async function runDay(gameDate: string) {
  const config = await dayConfig(days.env, gameDate);
  const platform = fakePlatform({ config, client: days.env.client, games: 9 });
  const { worker, taskQueue } = await dayWorker(days.env, platform.activities);
  return worker.runUntil(async () => {
    const handle = await startDay(days.env, taskQueue, { gameDate });
    const at = (time: string) => dayTimeInstant(gameDate, time, config.timeZone);
    // The platform's own phase 3: props refresh the upcoming player context at 05:30; box scores drive the game
    // summaries of the night.
    const signalAt = async (time: string, names: string[]) => {
      const clock = (await dayState(days.env, handle)).clock;
      await days.env.sleep(Math.max(0, realDelayUntil(clock, at(time), await days.env.currentTimeMs())));
      for (const name of names) {
        await days.env.client.workflow
          .getHandle(handle.workflowId)
          .signal(processorCompletedSignal, completion(config, 3, name, gameDate, at(time)), {
            messageId: `${name}-${time}`,
          });
      }
    };
    await signalAt('D 05:30', ['upcoming_player_game_context']);
    await signalAt('D 23:40', ['player_game_summary', 'team_defense_game_summary', 'team_offense_game_summary']);
    const result = (await days.env.client.workflow.getHandle(handle.workflowId).result()) as DayState;
    return { result, platform, config };
  });
}

function expectCallsAt(platform: FakePlatform, name: string, times: number[]) {
  expect(platform.of(name).map((c) => wall(c.at))).toEqual(times.map(wall));
}

describe.each([
  ['an ordinary date', '2026-01-15'],
  ['the night the clocks go forward (D+1 = 2026-03-08)', '2026-03-07'],
  ['the spring-forward day itself', '2026-03-08'],
  ['the night the clocks go back (D+1 = 2026-11-01)', '2026-10-31'],
])('a whole day: %s', (_label, gameDate) => {
  let outcome: Awaited<ReturnType<typeof runDay>>;

  beforeAll(async () => {
    outcome = await runDay(gameDate);
  }, 180_000);

  test('the day completes, through three runs of one workflow (one per cycle)', () => {
    const { result } = outcome;
    expect(result.status).toBe('COMPLETE');
    expect(result.runs).toBe(3);
    expect(result.cycles.tomorrow.status).toBe('DONE');
    expect(result.cycles.same_day.status).toBe('DONE');
    expect(result.cycles.overnight.status).toBe('DONE');
    expect(result.predictions.ready).toBe(true);
    expect(result.alerts.map((a) => a.kind)).toEqual([]);
  });

  test('every trigger at its configured time, in ET, whatever daylight saving does', () => {
    const { platform, config } = outcome;
    const at = (time: string) => dayTimeInstant(gameDate, time, config.timeZone);
    // tomorrow: the 17:00 remedy runs the upcoming contexts; phase 4 at 17:30 (five calls); PRE_GAME at 20:00.
    // same_day: phase 4 at 06:00; refreshes at 07:00, 10:00, 13:00; waves 08-16; exports at 11, 13, 17 + after batches.
    // overnight: phase 3 complete at 23:40 -> recompute at once; grading at 00:00; results at 05:00.
    expectCallsAt(platform, 'triggerAnalytics', [at('D-1 17:00')]);
    expect(platform.of('triggerAnalytics')[0].args[0]).toMatchObject({
      processors: ['UpcomingPlayerGameContextProcessor', 'UpcomingTeamGameContextProcessor'],
    });
    const phase4 = platform.of('runPrecomputeProcessor');
    const byTime = new Map<string, number>();
    for (const call of phase4) byTime.set(wall(call.at), (byTime.get(wall(call.at)) ?? 0) + 1);
    expect([...byTime.entries()]).toEqual([
      [wall(at('D-1 17:30')), 5],
      [wall(at('D 06:00')), 5],
      [wall(at('D 07:00')), 1],
      [wall(at('D 10:00')), 1],
      [wall(at('D 13:00')), 1],
      [wall(at('D 23:40')), 5],
    ]);
    expectCallsAt(
      platform,
      'startPredictionBatch',
      ['D-1 20:00', 'D 08:00', 'D 09:00', 'D 10:00', 'D 11:00', 'D 12:00', 'D 13:00', 'D 16:00'].map(at),
    );
    expect(platform.of('startPredictionBatch').map((c) => (c.args[0] as { runMode: string }).runMode)).toEqual([
      'PRE_GAME',
      'FIRST',
      'RETRY',
      'RETRY',
      'RETRY',
      'RETRY',
      'FINAL_RETRY',
      'LAST_CALL',
    ]);
    const exports = platform
      .of('publishExportTrigger')
      .map((c) => `${wall(c.at)} ${(c.args[0] as { kind: string }).kind}`);
    for (const time of ['D 11:00', 'D 13:00', 'D 17:00']) expect(exports).toContain(`${wall(at(time))} tonight`);
    expect(exports).toContain(`${wall(at('D+1 05:00'))} results`);
    expectCallsAt(platform, 'publishGradingTrigger', [at('D+1 00:00')]);
    expect(wall(platform.of('countFinalGames')[0].at)).toBe(wall(at('D+1 00:00')));
  });

  test('the state says when each step ran and carried over every cycle', () => {
    const { result } = outcome;
    const gap = result.cycles.overnight.steps.find((s) => s.kind === 'gap-check');
    expect(gap?.status).toBe('DONE');
    expect(gap?.outcome).toBe('no gaps');
    expect(wall(Date.parse(gap?.finishedAt ?? ''))).toBe(
      wall(dayTimeInstant(gameDate, 'D+1 09:00', 'America/New_York')),
    );
    expect(result.cycles.tomorrow.steps.every((s) => s.status === 'DONE')).toBe(true);
    expect(addDays(gameDate, 0)).toBe(result.gameDate);
  });
});
