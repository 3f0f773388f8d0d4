import { addDays, dateInZone, PLATFORM_TIME_ZONE } from './dates';

/**
 * The game date a scheduled run works on: the calendar date of the schedule's nominal fire time in the
 * platform's zone, shifted by the schedule's offset. Never the wall clock, so a backfill or a late start
 * runs the date the fire was meant for.
 */
export function scheduledGameDate(
  nominalTime: Date | number,
  dateOffsetDays: number,
  timeZone: string = PLATFORM_TIME_ZONE,
): string {
  return addDays(dateInZone(nominalTime, timeZone), dateOffsetDays);
}
