/**
 * What a grading completion says (the `phase5b-grading` function's `overall_status`). Besides `success` and `failed`,
 * the function publishes `auto_heal_pending` (actual results were missing: it re-ran phase 3's player_game_summary
 * itself and expects grading to be triggered again once that is in), `auto_heal_failed` (that re-run could not be
 * started) and `skipped` (no predictions, or no actual results and nothing to heal).
 */
import type { MessageStatus } from './messages';

/** Statuses after which grading is triggered again later: the results it needs are on their way, or may come. */
export const GRADING_RETRY_STATUSES: readonly string[] = ['auto_heal_pending', 'auto_heal_failed', 'skipped'];

/**
 * The run's status in the day's record: `no_data` for a date with nothing to grade (skipped, no predictions found),
 * `failed` for every other status but success; the message's own status is kept beside it.
 */
export function gradingRunStatus(reported: string, predictionsFound: number | undefined): MessageStatus {
  if (reported === 'success') return 'success';
  if (reported === 'skipped' && predictionsFound === 0) return 'no_data';
  return 'failed';
}

/** True for a recorded grading run that could not grade yet (see GRADING_RETRY_STATUSES), not one that failed. */
export function gradesLater(run: { status: MessageStatus; reportedStatus?: string }): boolean {
  return run.status === 'failed' && GRADING_RETRY_STATUSES.includes(run.reportedStatus ?? '');
}
