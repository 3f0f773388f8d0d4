import {
  addDays,
  dateInZone,
  formatDuration,
  isValidGameDate,
  modeForDate,
  wallClockMinutes,
  zonedTimeToInstant,
} from '../../domain/dates';

describe('game dates are America/New_York calendar days', () => {
  test('valid and invalid dates', () => {
    expect(isValidGameDate('2025-12-29')).toBe(true);
    expect(isValidGameDate('2024-02-29')).toBe(true);
    for (const bad of ['2025-02-29', '2025-13-01', '2025-1-01', '20251229', 'TODAY', '', null, 20251229]) {
      expect(isValidGameDate(bad)).toBe(false);
    }
  });

  test('mode across midnight ET: 11:30 PM ET is still "today" although UTC is already tomorrow', () => {
    const lateEvening = new Date('2025-12-30T04:30:00Z'); // 23:30 EST on Dec 29
    expect(dateInZone(lateEvening)).toBe('2025-12-29');
    expect(modeForDate('2025-12-29', lateEvening)).toBe('same_day');
    expect(modeForDate('2025-12-30', lateEvening)).toBe('tomorrow');
    expect(modeForDate('2025-12-28', lateEvening)).toBe('overnight');
    const justAfterMidnight = new Date('2025-12-30T05:01:00Z'); // 00:01 EST on Dec 30
    expect(modeForDate('2025-12-29', justAfterMidnight)).toBe('overnight');
    expect(modeForDate('2025-12-30', justAfterMidnight)).toBe('same_day');
  });

  test('mode on DST days uses the local offset (EDT starts 2026-03-08, ends 2026-11-01)', () => {
    // 2026-03-08 23:59 EDT = 03:59Z on Mar 9; 00:00 EST on Mar 8 = 05:00Z.
    expect(modeForDate('2026-03-08', new Date('2026-03-09T03:59:00Z'))).toBe('same_day');
    expect(modeForDate('2026-03-08', new Date('2026-03-09T04:00:00Z'))).toBe('overnight');
    expect(modeForDate('2026-03-08', new Date('2026-03-08T04:59:00Z'))).toBe('tomorrow');
    // 2026-11-01 00:00 EDT = 04:00Z; 23:59 EST = 04:59Z on Nov 2.
    expect(modeForDate('2026-11-01', new Date('2026-11-01T04:00:00Z'))).toBe('same_day');
    expect(modeForDate('2026-11-01', new Date('2026-11-02T04:59:00Z'))).toBe('same_day');
    expect(modeForDate('2026-11-01', new Date('2026-11-02T05:00:00Z'))).toBe('overnight');
  });

  test('2 PM ET as an instant, on both sides of DST', () => {
    expect(zonedTimeToInstant('2026-01-15', '14:00').toISOString()).toBe('2026-01-15T19:00:00.000Z');
    expect(zonedTimeToInstant('2026-07-15', '14:00').toISOString()).toBe('2026-07-15T18:00:00.000Z');
    expect(zonedTimeToInstant('2026-03-08', '14:00').toISOString()).toBe('2026-03-08T18:00:00.000Z');
    expect(zonedTimeToInstant('2026-11-01', '14:00').toISOString()).toBe('2026-11-01T19:00:00.000Z');
    expect(wallClockMinutes(new Date('2026-11-01T19:00:00Z'))).toBe(14 * 60);
  });

  test('addDays and durations', () => {
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(() => addDays('2026-02-30', 1)).toThrow(/invalid game date "2026-02-30"/);
    expect(formatDuration(30_000)).toBe('30 s');
    expect(formatDuration(30 * 60_000)).toBe('30 min');
    expect(formatDuration(125 * 60_000)).toBe('2 h 5 min');
  });
});
