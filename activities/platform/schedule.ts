import { ApplicationFailure } from '@temporalio/activity';
import { joinUrl } from './http';
import type { PlatformDeps } from './types';

/** Games scheduled for a date, as the local platform's schedule answers (the warehouse replaces it). */
export function scheduleActivities({ config, platform }: PlatformDeps) {
  return {
    async countScheduledGames(gameDate: string): Promise<number> {
      const url = joinUrl(config.platform.scheduleUrl, `/schedule?game_date=${encodeURIComponent(gameDate)}`);
      const { body } = await platform({ method: 'GET', url });
      const games = (body as { games?: unknown }).games;
      if (!Array.isArray(games)) {
        throw ApplicationFailure.nonRetryable(`schedule answer for ${gameDate} has no games list`, 'BadPlatformAnswer');
      }
      return games.length;
    },
  };
}
