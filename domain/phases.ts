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

/** The `phase` field of the platform's completion message, per phase (phase 6 publishes none of its own). */
export const MESSAGE_PHASES = {
  phase_1_scrapers: 1,
  phase_2_raw: 2,
  phase_3_analytics: 3,
  phase_4_precompute: 4,
  phase_5_predictions: 5,
} as const satisfies Record<string, PhaseNumber>;
export type MessagePhase = keyof typeof MESSAGE_PHASES;

export function isPhaseNumber(value: unknown): value is PhaseNumber {
  return typeof value === 'number' && (PHASES as readonly number[]).includes(value);
}

/** Parses "3", "phase3", "analytics" or 3 into a phase number; throws a clear error otherwise. */
export function parsePhase(input: unknown): PhaseNumber {
  if (isPhaseNumber(input)) return input;
  if (typeof input === 'string') {
    const text = input
      .trim()
      .toLowerCase()
      .replace(/^phase[_ -]?/, '');
    const asNumber = Number(text);
    if (isPhaseNumber(asNumber)) return asNumber;
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
