/** What the bridge does with one interpreted message: pure, so the rules are tested without a server. */
import { daysBetween } from '../domain/dates';
import type { Interpretation } from '../domain/messages';

export type Route =
  | { action: 'start-or-signal'; gameDate: string }
  | { action: 'signal'; gameDate: string }
  | { action: 'acknowledge'; outcome: 'ignored' | 'unusable'; code: string; reason: string };

/**
 * Phase 3 runs from the platform's own event chain (scrapes -> phase 2 -> phase 3): its completion for a date means
 * the date's day is happening. Gameday drives phases 4 and 5 itself, so their completions for a date without a
 * workflow are someone else's runs (scheduled, backfill: failure mode 6, "work nobody asked for").
 */
const STARTING_PHASE = 3;

/**
 * A message starts its date's workflow only if it is a countable phase-3 completion of a processor the rules use,
 * for a date within `startWindowDays` of today; any other message with a date reaches a running workflow only (so a
 * stray re-run or backfill never starts a day that would trigger and export); the rest is acknowledged.
 */
export function routeMessage(interpretation: Interpretation, today: string, startWindowDays: number): Route {
  switch (interpretation.kind) {
    case 'completion': {
      const inWindow = Math.abs(daysBetween(today, interpretation.gameDate)) <= startWindowDays;
      const starts = interpretation.counts && interpretation.phase === STARTING_PHASE && inWindow;
      return { action: starts ? 'start-or-signal' : 'signal', gameDate: interpretation.gameDate };
    }
    case 'grading':
      return { action: 'signal', gameDate: interpretation.gameDate };
    case 'export':
      return interpretation.gameDate
        ? { action: 'signal', gameDate: interpretation.gameDate }
        : {
            action: 'acknowledge',
            outcome: 'ignored',
            code: 'export_without_date',
            reason: 'export completion without a date',
          };
    case 'ignored':
      return { action: 'acknowledge', outcome: 'ignored', code: interpretation.code, reason: interpretation.reason };
    case 'unusable':
      // A dated unusable message is shown in its date's state (if the day runs); the rest only here.
      return interpretation.gameDate
        ? { action: 'signal', gameDate: interpretation.gameDate }
        : { action: 'acknowledge', outcome: 'unusable', code: interpretation.code, reason: interpretation.reason };
  }
}
