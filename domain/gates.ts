import type { GateCheckResult } from '../contracts/state';

/**
 * The checks that hold a gate shut. A gate blocks when any check fails, whatever its `passed` says: the activity
 * that decides whether phase 4's first call goes out and the workflow that records the gate read it the same way.
 */
export function failingChecks(checks: GateCheckResult[]): GateCheckResult[] {
  return checks.filter((c) => !c.passed);
}
