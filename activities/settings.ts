import type { GamedayConfig } from '../config/schema';
import { toRunSettings } from '../config/run-settings';
import { planDay, type DayPlan } from '../domain/day-plan';
import type { RunSettings } from '../domain/run-settings';

/** The run settings and the day's plan from the worker's config; local activities, so history records them. */
export function settingsActivities(config: GamedayConfig) {
  const settings = toRunSettings(config);
  return {
    async loadRunSettings(): Promise<RunSettings> {
      return settings;
    },
    /** Every timer of the date's day as an instant (daylight saving resolved here, recorded in history). */
    async planDay(gameDate: string): Promise<DayPlan> {
      return planDay(gameDate, config.lifecycle, config.timeZone);
    },
  };
}
