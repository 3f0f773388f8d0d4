import type { GamedayConfig } from '../config/schema';
import { toRunSettings } from '../config/run-settings';
import type { RunSettings } from '../domain/run-settings';

/** The run settings the worker was configured with; a local activity, so history records them. */
export function settingsActivities(config: GamedayConfig) {
  const settings = toRunSettings(config);
  return {
    async loadRunSettings(): Promise<RunSettings> {
      return settings;
    },
  };
}
