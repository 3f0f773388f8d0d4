/**
 * The three cycles of a game date's day (PLATFORM.md's timeline), in the order they run. Each is one run of the
 * date's workflow; the names are the legacy orchestrator's modes.
 */
export const CYCLES = ['tomorrow', 'same_day', 'overnight'] as const;
export type Cycle = (typeof CYCLES)[number];

export const CYCLE_LABELS: Record<Cycle, string> = {
  tomorrow: 'tomorrow (D-1 evening: upcoming contexts, phase 4, PRE_GAME predictions)',
  same_day: 'same_day (D: refreshes, prediction waves, tonight exports)',
  overnight: 'overnight (D 15:00 to D+1 09:00: box scores, full phase 3, phase-4 recompute, grading, results)',
};

export function isCycle(value: unknown): value is Cycle {
  return typeof value === 'string' && (CYCLES as readonly string[]).includes(value);
}

export function nextCycle(cycle: Cycle): Cycle | undefined {
  return CYCLES[CYCLES.indexOf(cycle) + 1];
}
