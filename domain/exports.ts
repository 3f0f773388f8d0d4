/**
 * Which exports may overwrite the public "latest" files (`update_latest`). Only the newest game date may: tonight's
 * picks for today, the results of yesterday. A rerun, reset or backfill of an older date exports without it (the
 * export function's default is true, so Gameday always sends the flag).
 */
import { addDays } from './dates';

export type ExportKind = 'tonight' | 'results';

/** The date whose exports are the latest for a kind, given today's date in the platform's zone. */
export function newestDateFor(kind: ExportKind, today: string): string {
  return kind === 'tonight' ? today : addDays(today, -1);
}

export function shouldUpdateLatest(kind: ExportKind, gameDate: string, today: string): boolean {
  return gameDate >= newestDateFor(kind, today);
}
