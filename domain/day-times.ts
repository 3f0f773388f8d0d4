/**
 * Times of a game date's day, written as the config writes them: `D-1 17:00`, `D 08:00`, `D+1 02:45`
 * (wall-clock in the platform's zone, relative to the game date D).
 */
import { addDays, zonedTimeToInstant } from './dates';

export const DAY_TIME_PATTERN = /^D(?:([+-])(\d))? ([01]\d|2[0-3]):([0-5]\d)$/;

export interface DayTime {
  dayOffset: number;
  hhmm: string;
}

export function parseDayTime(text: string): DayTime {
  const match = DAY_TIME_PATTERN.exec(text);
  if (!match)
    throw new Error(`invalid day time ${JSON.stringify(text)}: expected "D-1 HH:MM", "D HH:MM" or "D+1 HH:MM"`);
  const offset = match[1] ? Number(`${match[1]}${match[2]}`) : 0;
  return { dayOffset: offset, hhmm: `${match[3]}:${match[4]}` };
}

export function isDayTime(text: unknown): text is string {
  if (typeof text !== 'string' || !DAY_TIME_PATTERN.test(text)) return false;
  return Math.abs(parseDayTime(text).dayOffset) <= 1;
}

/** The instant (epoch ms) of a day time for a game date, daylight saving included. */
export function dayTimeInstant(gameDate: string, text: string, timeZone: string): number {
  const { dayOffset, hhmm } = parseDayTime(text);
  return zonedTimeToInstant(addDays(gameDate, dayOffset), hhmm, timeZone).getTime();
}
