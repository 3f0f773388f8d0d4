/**
 * Input checks inside workflows. A plain `Error` thrown by workflow code fails only the workflow task, which Temporal
 * retries forever (the run stays RUNNING); a bad input must end the run FAILED at once, with the reason.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import { isValidGameDate } from '../domain/dates';

export function gameDateInput(value: unknown): string {
  if (!isValidGameDate(value)) {
    throw ApplicationFailure.nonRetryable(
      `invalid game date ${JSON.stringify(value)}: expected a real calendar date as YYYY-MM-DD`,
      'InvalidInput',
    );
  }
  return value;
}
