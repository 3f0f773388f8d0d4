/** The CLI's exit codes; documented in docs/cli.md. */
export const EXIT = {
  /** Done: the pipeline is complete (or has no games), the action was applied, the platform is healthy. */
  OK: 0,
  /** Not complete yet, degraded, or a health check found warnings. */
  DEGRADED: 1,
  /** Failing: a failed/stuck pipeline, a failed health check, or an error talking to Temporal. */
  FAILING: 2,
  /** Usage: a bad date, phase, processor, option or missing argument. Nothing was changed. */
  USAGE: 3,
  /** Not found: no workflow for the date (or no such run/phase to act on). */
  NOT_FOUND: 4,
  /** Refused: the workflow or server declined the action (e.g. the forcePhase validator). Nothing was changed. */
  REFUSED: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
