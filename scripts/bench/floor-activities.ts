/** The floors' one activity: one HTTP call to the platform, as each of the pipeline's activities makes. */
import type { FloorActivities } from './floor-workflow';

/** Each call POSTs `${callUrl}?game_date=...` and reads the answer. */
export function floorActivities(callUrl: string): FloorActivities {
  return {
    async callPlatform(gameDate) {
      const res = await fetch(`${callUrl}?game_date=${encodeURIComponent(gameDate)}`, { method: 'POST' });
      await res.arrayBuffer();
    },
  };
}
