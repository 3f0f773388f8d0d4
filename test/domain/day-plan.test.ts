import { loadConfig } from '../../config/load';
import { planDay, planProblems, cycleAt } from '../../domain/day-plan';
import { formatTimeET } from '../../domain/dates';
import { clockFrom, realDelayUntil, virtualNow } from '../../domain/clock';
import { evaluateTiers } from '../../domain/phase4-tiers';
import { shouldUpdateLatest } from '../../domain/exports';

const config = loadConfig({});
const wall = (ms: number) =>
  `${new Date(ms).toLocaleDateString('en-CA', { timeZone: 'America/New_York' })} ${formatTimeET(ms)}`;

describe('the plan of a day: every timer of the three cycles', () => {
  test('an ordinary date: the configured times in ET, in order', () => {
    const plan = planDay('2026-01-15', config.lifecycle, config.timeZone);
    expect(planProblems(plan)).toEqual([]);
    const steps = Object.values(plan.cycles).flatMap((c) => c.steps.map((s) => `${s.id} ${wall(s.at)}`));
    expect(steps).toContain('tomorrow/phase3 2026-01-14 5:00 PM ET');
    expect(steps).toContain('tomorrow/wave-1 2026-01-14 8:00 PM ET');
    expect(steps).toContain('same_day/wave-7 2026-01-15 4:00 PM ET');
    expect(steps).toContain('same_day/deadline 2026-01-15 2:00 PM ET');
    expect(steps).toContain('overnight/gap-check 2026-01-16 9:00 AM ET');
    expect(plan.cycles.same_day.steps.filter((s) => s.kind === 'prediction-wave').map((s) => s.runMode)).toEqual([
      'FIRST',
      'RETRY',
      'RETRY',
      'RETRY',
      'RETRY',
      'FINAL_RETRY',
      'LAST_CALL',
    ]);
  });

  test('spring forward (D+1 = 2026-03-08): the grading window 00:00-02:45 ends at 03:45 EDT, the same elapsed time', () => {
    const plan = planDay('2026-03-07', config.lifecycle, config.timeZone);
    const grading = plan.cycles.overnight.steps.find((s) => s.kind === 'grading')!;
    expect(wall(grading.at)).toBe('2026-03-08 12:00 AM ET');
    expect(wall(grading.until!)).toBe('2026-03-08 3:45 AM ET');
    expect(grading.until! - grading.at).toBe(2.75 * 3_600_000);
    expect(planProblems(plan)).toEqual([]);
  });

  test('fall back (D+1 = 2026-11-01): 02:45 comes an hour later in elapsed time; every timer once, in order', () => {
    const plan = planDay('2026-10-31', config.lifecycle, config.timeZone);
    const grading = plan.cycles.overnight.steps.find((s) => s.kind === 'grading')!;
    expect(grading.until! - grading.at).toBe(3.75 * 3_600_000);
    const all = Object.values(plan.cycles).flatMap((c) => c.steps.map((s) => s.at));
    expect(new Set(all.map(String)).size).toBeGreaterThan(10);
    expect(planProblems(plan)).toEqual([]);
  });

  test('the cycle of an instant', () => {
    const plan = planDay('2026-01-15', config.lifecycle, config.timeZone);
    expect(cycleAt(plan, Date.parse('2026-01-14T22:00:00Z'))).toBe('tomorrow');
    expect(cycleAt(plan, Date.parse('2026-01-15T12:00:00Z'))).toBe('same_day');
    expect(cycleAt(plan, Date.parse('2026-01-16T03:00:00Z'))).toBe('overnight');
    expect(cycleAt(plan, Date.parse('2026-03-01T00:00:00Z'))).toBe('overnight');
  });
});

describe('the day clock', () => {
  test('identity without an anchor; a virtual day runs 1/scale times faster from its anchor', () => {
    expect(virtualNow(clockFrom({ scale: 1 }, 1000), 5000)).toBe(5000);
    const clock = clockFrom(
      { scale: 1 / 600, virtualAnchor: '2026-01-14T21:45:00Z', realAnchor: '2026-11-28T12:00:00Z' },
      0,
    );
    expect(new Date(virtualNow(clock, Date.parse('2026-11-28T12:00:03Z'))).toISOString()).toBe(
      '2026-01-14T22:15:00.000Z',
    );
    expect(realDelayUntil(clock, Date.parse('2026-01-14T22:15:00Z'), Date.parse('2026-11-28T12:00:00Z'))).toBe(3000);
  });
});

describe('phase 4 -> 5 tiers', () => {
  const tiers = config.phase4To5.tiers.map((t) => ({ minComplete: t.minComplete, afterMs: t.afterMinutes * 60_000 }));
  const first = 0;
  test.each([
    [5, 0, 'go'],
    [4, 59, 'wait'],
    [4, 60, 'go'],
    [3, 119, 'wait'],
    [3, 120, 'go'],
    [1, 239, 'wait'],
    [1, 240, 'go'],
  ])('%i/5 complete after %i min: %s', (complete, minutes, kind) => {
    expect(evaluateTiers(tiers, complete, 5, first, first + minutes * 60_000).kind).toBe(kind);
  });
  test('the next tier is a time to wait for, so it fires with no new message', () => {
    expect(evaluateTiers(tiers, 4, 5, 1000, 2000)).toMatchObject({ kind: 'wait', nextTierAt: 1000 + 60 * 60_000 });
    const none = evaluateTiers(tiers, 0, 5, undefined, 2000);
    expect(none.kind).toBe('wait');
    expect(none.kind === 'wait' && none.nextTierAt).toBeUndefined();
  });
});

describe('update_latest: only the newest date', () => {
  test.each([
    ['tonight', '2026-01-15', '2026-01-15', true],
    ['tonight', '2026-01-14', '2026-01-15', false],
    ['results', '2026-01-14', '2026-01-15', true],
    ['results', '2026-01-13', '2026-01-15', false],
    ['results', '2025-12-01', '2026-11-28', false],
  ] as const)('%s export of %s on %s: %s', (kind, date, today, expected) => {
    expect(shouldUpdateLatest(kind, date, today)).toBe(expected);
  });
});
