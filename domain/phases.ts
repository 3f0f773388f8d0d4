/** The six phases of a game date, in the order they run. */
export const PHASES = [1, 2, 3, 4, 5, 6] as const;
export type PhaseNumber = (typeof PHASES)[number];

export const PHASE_NAMES: Record<PhaseNumber, string> = {
  1: 'scrapers',
  2: 'raw',
  3: 'analytics',
  4: 'precompute',
  5: 'predictions',
  6: 'export',
};

/** The phases Gameday drives (phase 3 as a remedy): 1 and 2 are the platform's own, observed through their messages. */
export const DRIVEN_PHASES: readonly PhaseNumber[] = [3, 4, 5, 6];

export function isPhaseNumber(value: unknown): value is PhaseNumber {
  return typeof value === 'number' && (PHASES as readonly number[]).includes(value);
}

/** Parses "3", "phase3", "analytics" or 3 into a phase number (no "0x4", "4e0" or "+4"); a clear error otherwise. */
export function parsePhase(input: unknown): PhaseNumber {
  if (isPhaseNumber(input)) return input;
  if (typeof input === 'string') {
    const text = input
      .trim()
      .toLowerCase()
      .replace(/^phase[_ -]?/, '');
    if (/^[1-6]$/.test(text)) return Number(text) as PhaseNumber;
    const byName = PHASES.find((p) => PHASE_NAMES[p] === text);
    if (byName) return byName;
  }
  throw new Error(
    `unknown phase ${JSON.stringify(input)}: expected 1-6 or one of ${PHASES.map((p) => PHASE_NAMES[p]).join(', ')}`,
  );
}

export function phaseLabel(phase: PhaseNumber): string {
  return `phase ${phase} (${PHASE_NAMES[phase]})`;
}
