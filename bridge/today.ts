import type { GamedayConfig } from '../config/schema';
import { clockFrom, virtualNow } from '../domain/clock';
import { dateInZone } from '../domain/dates';

/** Today in the platform's zone on the config's day clock (the wall clock in production). */
export function bridgeToday(config: GamedayConfig, realNow = Date.now()): string {
  const clock = clockFrom({ scale: config.timeScale, ...config.clock }, realNow);
  return dateInZone(virtualNow(clock, realNow), config.timeZone);
}
