/** The rule that decides when phase 3's completions are enough to trigger phase 4. */
export interface QuorumRule {
  expected: readonly string[];
  critical: readonly string[];
  minimumComplete: number;
}

export type QuorumDecision =
  | { kind: 'all_complete' }
  | { kind: 'partial'; missing: string[] }
  | { kind: 'insufficient'; missing: string[]; missingCritical: string[] };

/** all_complete as soon as every expected processor is in; partial when the quorum holds (used after the timer). */
export function evaluateQuorum(rule: QuorumRule, complete: ReadonlySet<string>): QuorumDecision {
  const missing = rule.expected.filter((p) => !complete.has(p));
  if (missing.length === 0) return { kind: 'all_complete' };
  const missingCritical = rule.critical.filter((p) => !complete.has(p));
  const completeCount = rule.expected.length - missing.length;
  const needed = Math.min(rule.minimumComplete, rule.expected.length);
  if (missingCritical.length === 0 && completeCount >= needed) return { kind: 'partial', missing };
  return { kind: 'insufficient', missing, missingCritical };
}
