import {
  addDays,
  clockChangeDates,
  dateInZone,
  formatDateTimeET,
  formatDuration,
  formatTimeET,
  isValidGameDate,
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

  test('the calendar date of an instant in ET: 11:30 PM ET is still the 29th although UTC is the 30th', () => {
    expect(dateInZone(new Date('2025-12-30T04:30:00Z'))).toBe('2025-12-29');
    expect(dateInZone(new Date('2025-12-30T05:01:00Z'))).toBe('2025-12-30');
    expect(dateInZone(new Date('2026-03-09T03:59:00Z'))).toBe('2026-03-08');
    expect(dateInZone(new Date('2026-11-02T04:59:00Z'))).toBe('2026-11-01');
  });

  test('daylight saving: a skipped time moves an hour later, a repeated time is its first occurrence', () => {
    // 2026-03-08: 02:00 EST jumps to 03:00 EDT. 02:30 does not exist: 03:30 EDT (07:30Z).
    expect(zonedTimeToInstant('2026-03-08', '02:30').toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(zonedTimeToInstant('2026-03-08', '01:30').toISOString()).toBe('2026-03-08T06:30:00.000Z');
    expect(zonedTimeToInstant('2026-03-08', '03:00').toISOString()).toBe('2026-03-08T07:00:00.000Z');
    // 2026-11-01: 02:00 EDT falls back to 01:00 EST. 01:30 happens twice: the first (EDT, 05:30Z).
    expect(zonedTimeToInstant('2026-11-01', '01:30').toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(zonedTimeToInstant('2026-11-01', '02:30').toISOString()).toBe('2026-11-01T07:30:00.000Z');
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

test('a date and time in ET: an evening keeps its own date (its UTC date is the next day)', () => {
  expect(formatDateTimeET('2026-11-03T02:00:00Z')).toBe('2026-11-02 9:00 PM ET');
  expect(formatDateTimeET('2026-07-01T01:30:00Z')).toBe('2026-06-30 9:30 PM ET');
  expect(formatDateTimeET('2026-07-01T16:45:00Z')).toBe('2026-07-01 12:45 PM ET');
});

test("clock changes: the zone's own dates, none where the zone keeps one offset", () => {
  expect(clockChangeDates(2026)).toEqual(['2026-03-08', '2026-11-01']);
  expect(clockChangeDates(2027)).toEqual(['2027-03-14', '2027-11-07']);
  expect(clockChangeDates(2026, 'Europe/London')).toEqual(['2026-03-29', '2026-10-25']);
  expect(clockChangeDates(2026, 'Asia/Tokyo')).toEqual([]);
});

describe("America/New_York's rule in arithmetic agrees with Intl (the tz database)", () => {
  const intl = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/New_York',
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  const intlTime = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/New_York',
    hour: 'numeric',
    minute: '2-digit',
  });
  function intlWallClock(instant: number): { date: string; minutes: number } {
    const parts = Object.fromEntries(intl.formatToParts(instant).map((p) => [p.type, p.value]));
    return {
      date: `${parts.year}-${parts.month}-${parts.day}`,
      minutes: Number(parts.hour) * 60 + Number(parts.minute),
    };
  }

  test('every day from 2007 to 2040 around both switch times and mid-afternoon: date, wall clock, "h:mm AM ET"', () => {
    const mismatches: string[] = [];
    const check = (instant: number) => {
      const expected = intlWallClock(instant);
      const actual = { date: dateInZone(instant), minutes: wallClockMinutes(instant) };
      const time = formatTimeET(instant);
      const expectedTime = `${intlTime.format(instant).replace(/\s/gu, ' ')} ET`;
      if (actual.date !== expected.date || actual.minutes !== expected.minutes || time !== expectedTime) {
        mismatches.push(
          `${new Date(instant).toISOString()}: ${JSON.stringify({ actual, time, expected, expectedTime })}`,
        );
      }
    };
    // The clocks change at 06:00Z (fall back) and 07:00Z (spring forward): the minute before each, and each.
    const minutesOfDay = [5 * 60 + 59, 6 * 60, 6 * 60 + 59, 7 * 60, 16 * 60 + 30];
    for (let day = Date.UTC(2007, 0, 1); day < Date.UTC(2041, 0, 1); day += 86_400_000) {
      for (const minute of minutesOfDay) check(day + minute * 60_000);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  test('before 2007 (another rule) Intl answers: 2006-04-01 was still EST, 2006-10-30 already EST again', () => {
    expect(wallClockMinutes(Date.UTC(2006, 3, 1, 12))).toBe(7 * 60);
    expect(zonedTimeToInstant('2006-03-15', '14:00').toISOString()).toBe('2006-03-15T19:00:00.000Z');
    expect(wallClockMinutes(Date.UTC(2006, 9, 30, 12))).toBe(7 * 60);
    expect(dateInZone(Date.UTC(2006, 9, 30, 4, 30))).toBe('2006-10-29');
  });

  test('another zone still goes through Intl', () => {
    expect(dateInZone(Date.UTC(2026, 0, 1, 7), 'America/Los_Angeles')).toBe('2025-12-31');
    expect(wallClockMinutes(Date.UTC(2026, 6, 1, 12), 'Europe/Paris')).toBe(14 * 60);
    expect(zonedTimeToInstant('2026-07-01', '14:00', 'America/Chicago').toISOString()).toBe('2026-07-01T19:00:00.000Z');
  });
});
