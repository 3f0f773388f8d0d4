/** Game dates are calendar days in America/New_York, written YYYY-MM-DD. */
export const PLATFORM_TIME_ZONE = 'America/New_York';

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Intl formatters are costly to build (a date's workflow formats times on every state change) and pure once
 * built, so each (shape, zone) is built once.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: string, options: Intl.DateTimeFormatOptions & { timeZone: string }): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let built = formatters.get(key);
  if (!built) {
    built = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, built);
  }
  return built;
}

const HOUR_MS = 3_600_000;

/** The first year of America/New_York's current rule (the Energy Policy Act of 2005). */
const NEW_YORK_RULE_SINCE = 2007;

/** Day of the month of the nth Sunday of a month (month 0-based). */
function nthSunday(year: number, month: number, n: number): number {
  const firstWeekday = new Date(Date.UTC(year, month, 1)).getUTCDay();
  return 1 + ((7 - firstWeekday) % 7) + 7 * (n - 1);
}

/**
 * America/New_York's UTC offset by the tz database's rule since 2007: daylight time from the second Sunday of March
 * at 02:00 EST (07:00Z) to the first Sunday of November at 02:00 EDT (06:00Z). Arithmetic, not Intl: building the
 * first Intl formatter loads ICU's locale data (about 20 ms of every `gameday` command that prints a time). Before
 * 2007 (another rule) undefined: Intl answers. test/domain/dates.test.ts holds it to Intl every day to 2040, on both
 * sides of each switch time.
 */
function newYorkOffsetMs(instant: number): number | undefined {
  const year = new Date(instant).getUTCFullYear();
  if (year < NEW_YORK_RULE_SINCE) return undefined;
  const daylightFrom = Date.UTC(year, 2, nthSunday(year, 2, 2), 7);
  const daylightUntil = Date.UTC(year, 10, nthSunday(year, 10, 1), 6);
  return instant >= daylightFrom && instant < daylightUntil ? -4 * HOUR_MS : -5 * HOUR_MS;
}

/** The wall clock of an instant in America/New_York as a UTC date's fields, when the rule covers it. */
function newYorkWallClock(instant: Date | number, timeZone: string): Date | undefined {
  if (timeZone !== PLATFORM_TIME_ZONE) return undefined;
  const at = new Date(instant).getTime();
  const offset = newYorkOffsetMs(at);
  return offset === undefined ? undefined : new Date(at + offset);
}

export function isValidGameDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}

export function assertGameDate(value: unknown, what = 'game date'): string {
  if (!isValidGameDate(value)) {
    throw new Error(`invalid ${what} ${JSON.stringify(value)}: expected a real calendar date as YYYY-MM-DD`);
  }
  return value;
}

/** The calendar date of an instant in a time zone (default America/New_York). */
export function dateInZone(instant: Date | number, timeZone: string = PLATFORM_TIME_ZONE): string {
  const newYork = newYorkWallClock(instant, timeZone);
  if (newYork) return newYork.toISOString().slice(0, 10);
  const parts = formatter('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

export function addDays(gameDate: string, days: number): string {
  const [y, m, d] = assertGameDate(gameDate).split('-').map(Number);
  const shifted = new Date(Date.UTC(y, m - 1, d + days));
  return shifted.toISOString().slice(0, 10);
}

/** Minutes past midnight of wall-clock time in a zone, for "by 2 PM ET" style deadlines. */
export function wallClockMinutes(instant: Date | number, timeZone: string = PLATFORM_TIME_ZONE): number {
  const newYork = newYorkWallClock(instant, timeZone);
  if (newYork) return newYork.getUTCHours() * 60 + newYork.getUTCMinutes();
  const parts = formatter('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(instant));
  const hour = Number(parts.find((p) => p.type === 'hour')?.value);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value);
  return hour * 60 + minute;
}

/**
 * The UTC instant at which a wall-clock time (HH:MM) happens on a date in a zone. Daylight saving: a time the
 * spring-forward night skips (02:30) is taken an hour later (03:30, the same elapsed time after midnight); a time
 * the fall-back night repeats (01:30) is its first occurrence.
 */
export function zonedTimeToInstant(gameDate: string, hhmm: string, timeZone: string = PLATFORM_TIME_ZONE): Date {
  const [y, m, d] = assertGameDate(gameDate).split('-').map(Number);
  const [hh, mm] = hhmm.split(':').map(Number);
  const guess = Date.UTC(y, m - 1, d, hh, mm);
  const before = zoneOffsetMs(guess - 12 * 3_600_000, timeZone);
  const after = zoneOffsetMs(guess + 12 * 3_600_000, timeZone);
  const matches = [guess - before, guess - after].filter((instant) => wallClock(instant, timeZone) === hhmm);
  if (matches.length) return new Date(Math.min(...matches));
  return new Date(guess - before);
}

/** The dates of a year on which the zone's clocks change (daylight saving), in the zone's calendar. */
export function clockChangeDates(year: number, timeZone: string = PLATFORM_TIME_ZONE): string[] {
  const dates: string[] = [];
  let date = `${year}-01-01`;
  let offset = zoneOffsetMs(Date.UTC(year, 0, 1, 12), timeZone);
  while (date.startsWith(`${year}`)) {
    const next = addDays(date, 1);
    const [y, m, d] = next.split('-').map(Number);
    const nextOffset = zoneOffsetMs(Date.UTC(y, m - 1, d, 12), timeZone);
    if (nextOffset !== offset && next.startsWith(`${year}`)) dates.push(next);
    [date, offset] = [next, nextOffset];
  }
  return dates;
}

function wallClock(instant: number, timeZone: string): string {
  const minutes = wallClockMinutes(instant, timeZone);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function zoneOffsetMs(instant: number, timeZone: string): number {
  const newYork = timeZone === PLATFORM_TIME_ZONE ? newYorkOffsetMs(instant) : undefined;
  if (newYork !== undefined) return newYork;
  const parts = formatter('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** "12:05 PM ET" for terminal output. */
export function formatTimeET(instant: Date | number | string, timeZone: string = PLATFORM_TIME_ZONE): string {
  const newYork = newYorkWallClock(new Date(instant), timeZone);
  if (newYork) {
    const [hour, minute] = [newYork.getUTCHours(), newYork.getUTCMinutes()];
    return `${hour % 12 || 12}:${String(minute).padStart(2, '0')} ${hour < 12 ? 'AM' : 'PM'} ET`;
  }
  const text = formatter('en-US', {
    timeZone,
    hour: 'numeric',
    minute: '2-digit',
  }).format(new Date(instant));
  return `${text} ET`;
}

/** "2026-11-02 9:00 PM ET": the date and time in the zone (an evening's UTC date is the next day). */
export function formatDateTimeET(instant: Date | number | string, timeZone: string = PLATFORM_TIME_ZONE): string {
  const at = new Date(instant);
  return `${dateInZone(at, timeZone)} ${formatTimeET(at, timeZone)}`;
}

/** "30 min", "30 s", "2 h 5 min": durations in alerts and reasons, whatever the time scale. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}

/** Whole days from `from` to `to` (both YYYY-MM-DD): 1 for the next day, -1 for the day before. */
export function daysBetween(from: string, to: string): number {
  const utc = (d: string) => {
    const [y, m, day] = assertGameDate(d).split('-').map(Number);
    return Date.UTC(y, m - 1, day);
  };
  return Math.round((utc(to) - utc(from)) / 86_400_000);
}
