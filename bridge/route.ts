/** What the bridge does with one interpreted message: pure, so the rules are tested without a server. */
import { daysBetween } from '../domain/dates';
import type { Interpretation } from '../domain/messages';

export type Route =
  | { action: 'start-or-signal'; gameDate: string }
  | { action: 'signal'; gameDate: string }
  | { action: 'acknowledge'; outcome: 'ignored' | 'unusable'; code: string; reason: string };

/**
 * A message starts its date's workflow only if it is a countable completion of a processor the rules use (phases
 * 3-5) for a date within `startWindowDays` of today; any other message with a date reaches a running workflow only
 * (so a stray re-run of an old date never starts a day that would export old data); the rest is acknowledged.
 */
export function routeMessage(interpretation: Interpretation, today: string, startWindowDays: number): Route {
  switch (interpretation.kind) {
    case 'completion': {
      const inWindow = Math.abs(daysBetween(today, interpretation.gameDate)) <= startWindowDays;
      const starts = interpretation.counts && interpretation.phase >= 3 && inWindow;
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
