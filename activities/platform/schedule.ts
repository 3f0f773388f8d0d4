import { ApplicationFailure } from '@temporalio/activity';
import { joinUrl } from './http';
import type { PlatformDeps } from './types';

interface ScheduleAnswer {
  games?: { game_status?: number }[];
}

/** Games of a date from the platform's /schedule (the warehouse's nbac_schedule replaces it when enabled). */
export function scheduleActivities({ config, platform }: PlatformDeps) {
  const games = async (gameDate: string) => {
    const url = joinUrl(config.platform.scheduleUrl, `/schedule?game_date=${encodeURIComponent(gameDate)}`);
    const { body } = await platform({ method: 'GET', url });
    const list = (body as ScheduleAnswer).games;
    if (!Array.isArray(list)) {
      throw ApplicationFailure.nonRetryable(`schedule answer for ${gameDate} has no games list`, 'BadPlatformAnswer');
    }
    return list;
  };
  return {
    async countScheduledGames(gameDate: string): Promise<number> {
      return (await games(gameDate)).length;
    },
    /** Grading waits for every game of the date to be Final (game_status 3). */
    async countFinalGames(gameDate: string): Promise<{ total: number; final: number }> {
      const list = await games(gameDate);
      return { total: list.length, final: list.filter((g) => g.game_status === 3).length };
    },
  };
}
