import { addDays, dateInZone, isValidGameDate, PLATFORM_TIME_ZONE } from '../domain/dates';

export type DateKeyword = 'TODAY' | 'YESTERDAY' | 'TOMORROW' | 'AUTO';

/**
 * Resolves a platform date argument: a YYYY-MM-DD date or one of the allowed keywords, always in
 * America/New_York as the platform does (failure mode 8 was UTC here and ET there).
 * except `AUTO` (phase 4): yesterday in UTC, as the platform resolves it. Returns an error text for anything else.
 */
export function resolvePlatformDate(
  value: unknown,
  allowed: readonly DateKeyword[],
  now: Date,
): { ok: true; date: string } | { ok: false; error: string } {
  if (typeof value === 'string') {
    const text: string = value;
    // (a plain boolean: the type guard would narrow `text` to never below)
    const isDate: boolean = isValidGameDate(text);
    if (isDate) return { ok: true, date: text };
    const keyword = text.toUpperCase() as DateKeyword;
    if (text === keyword && allowed.includes(keyword)) {
      if (keyword === 'AUTO') return { ok: true, date: addDays(now.toISOString().slice(0, 10), -1) };
      const today = dateInZone(now, PLATFORM_TIME_ZONE);
      const offset = { TODAY: 0, YESTERDAY: -1, TOMORROW: 1 }[keyword];
      return { ok: true, date: addDays(today, offset) };
    }
  }
  const expected = `YYYY-MM-DD${allowed.length ? ` or one of ${allowed.join(', ')}` : ''}`;
  if (value === undefined || value === null || value === '')
    return { ok: false, error: `is required: expected ${expected}` };
  return {
    ok: false,
    error: `${JSON.stringify(value)} is not a date: expected YYYY-MM-DD (a real calendar date)${allowed.length ? ` or one of ${allowed.join(', ')}` : ''}`,
  };
}

/** Every date from start to end inclusive. */
export function dateRange(start: string, end: string): string[] {
  const dates: string[] = [];
  for (let d = start; d <= end; d = addDays(d, 1)) dates.push(d);
  return dates;
}
