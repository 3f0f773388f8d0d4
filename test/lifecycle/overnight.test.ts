/**
 * The overnight cycle, where the legacy 5-of-5 counter mattered most: the 2025-12-29 incident (one of five never
 * completes) triggers phase 4 with 4/5 thirty minutes after the first completion, with the reason and the missing
 * processor; the remedy runs the missing one once; grading waits for every game to be Final.
 */
import type { DayState } from '../../contracts/state';
import { dayTimeInstant } from '../../domain/day-times';
import { formatTimeET } from '../../domain/dates';
import {
  dayConfig,
  dayResult,
  dayWorker,
  deliver,
  skipTo,
  startDay,
  useTimeSkippingDays,
} from '../helpers/day-harness';
import { fakePlatform, type FakePlatform } from '../helpers/fake-platform';
import { completion } from '../helpers/messages';

const days = useTimeSkippingDays();

const gameDate = '2025-12-29';
const wall = (ms: number | string) => formatTimeET(ms);

describe('the 2025-12-29 incident in the overnight cycle: upcoming_team_game_context never completes', () => {
  let result: DayState;
  let platform: FakePlatform;
  let at: (time: string) => number;

  beforeAll(async () => {
    const config = await dayConfig(days.env, gameDate, 'D 16:30');
    at = (time) => dayTimeInstant(gameDate, time, config.timeZone);
    platform = fakePlatform({
      config,
      client: days.env.client,
      games: 11,
      silentPhase3: ['upcoming_team_game_context'],
    });
    const { worker, taskQueue } = await dayWorker(days.env, platform.activities);
    result = await worker.runUntil(async () => {
      const handle = await startDay(days.env, taskQueue, { gameDate, cycle: 'overnight' });
      // The upcoming player context was computed during the day; box scores drive the three game summaries at 23:40.
      await deliver(
        days.env,
        handle,
        [completion(config, 3, 'upcoming_player_game_context', gameDate, at('D 05:30'))],
        'upgc',
      );
      await skipTo(days.env, handle, config, gameDate, 'D 23:40');
      await deliver(
        days.env,
        handle,
        ['player_game_summary', 'team_defense_game_summary', 'team_offense_game_summary'].map((n) =>
          completion(config, 3, n, gameDate, at('D 23:40')),
        ),
        'box',
      );
      return dayResult(days.env, handle);
    });
  }, 120_000);

  test('phase 4 is triggered with 4/5 thirty minutes after the first completion, with the reason and the missing processor', () => {
    const phase3 = result.cycles.overnight.steps.find((s) => s.kind === 'phase3')!;
    expect(phase3.phase3?.decision).toBe(
      'partial trigger: 4/5 complete 30 min after the first completion, missing upcoming_team_game_context',
    );
    expect(wall(phase3.phase3!.decidedAt!)).toBe(wall(at('D 23:40') + 30 * 60_000));
    const phase4Calls = platform.of('runPrecomputeProcessor');
    expect(phase4Calls).toHaveLength(5);
    expect(wall(phase4Calls[0].at)).toBe('12:10 AM ET');
    // Degraded upstream: phase 4 runs with the dependency check off, as the legacy bypass did.
    expect(phase4Calls.every((c) => (c.args[0] as { skipDependencyCheck: boolean }).skipDependencyCheck)).toBe(true);
    const phase4 = result.cycles.overnight.steps.find((s) => s.kind === 'phase4')!;
    expect(phase4.status).toBe('DONE');
    expect(phase4.outcome).toContain('3 -> 4: partial trigger: 4/5 complete');
  });

  test('the remedy at 04:00 runs only the missing processor, once; the step ends degraded with one alert', () => {
    const remedies = platform.of('triggerAnalytics');
    expect(remedies).toHaveLength(1);
    expect(wall(remedies[0].at)).toBe('4:00 AM ET');
    expect(remedies[0].args[0]).toMatchObject({ processors: ['UpcomingTeamGameContextProcessor'] });
    const phase3 = result.cycles.overnight.steps.find((s) => s.kind === 'phase3')!;
    expect(phase3).toMatchObject({ status: 'DONE', degraded: true });
    const degraded = result.alerts.filter((a) => a.kind === 'PHASE_DEGRADED');
    expect(degraded).toHaveLength(1);
    expect(degraded[0].message).toContain('missing upcoming_team_game_context');
  });

  test('grading once every game is Final (the first check at 00:00 finds them final), results at 05:00, the day completes', () => {
    expect(platform.of('publishGradingTrigger').map((c) => wall(c.at))).toEqual(['12:00 AM ET']);
    expect(result.cycles.overnight.steps.find((s) => s.kind === 'grading')).toMatchObject({
      status: 'DONE',
      outcome: 'graded 140 predictions',
    });
    const exports = platform.of('publishExportTrigger');
    expect(exports.map((c) => [wall(c.at), (c.args[0] as { kind: string }).kind])).toEqual([['5:00 AM ET', 'results']]);
    expect(result.status).toBe('COMPLETE');
    expect(result.cycles.tomorrow.status).toBe('SKIPPED');
    expect(result.cycles.same_day.status).toBe('SKIPPED');
  });
});

describe('a day whose grading never completes ends with gaps, and says which', () => {
  test('COMPLETE_WITH_GAPS with a DAY_GAPS alert naming the grading step', async () => {
    const config = await dayConfig(days.env, '2026-01-20', 'D 16:30');
    const at = (time: string) => dayTimeInstant('2026-01-20', time, config.timeZone);
    const platform = fakePlatform({
      config,
      client: days.env.client,
      overrides: { publishGradingTrigger: async () => ({ messageId: 'lost' }) },
    });
    const { worker, taskQueue } = await dayWorker(days.env, platform.activities);
    const result = await worker.runUntil(async () => {
      const handle = await startDay(days.env, taskQueue, { gameDate: '2026-01-20', cycle: 'overnight' });
      await deliver(
        days.env,
        handle,
        config.lifecycle.overnight.phase3.expected.map((n) => completion(config, 3, n, '2026-01-20', at('D 23:00'))),
      );
      return dayResult(days.env, handle);
    });
    expect(result.status).toBe('COMPLETE_WITH_GAPS');
    const gaps = result.alerts.find((a) => a.kind === 'DAY_GAPS');
    expect(gaps?.message).toMatch(/grading once all games are Final.*: (STUCK|MISSED)/);
    expect(result.alerts.some((a) => a.kind === 'STEP_STUCK' && a.message.includes('grading-complete'))).toBe(true);
  }, 120_000);
});
