import { z } from 'zod';
import type { GamedayConfig } from '../config/schema';
import { isValidGameDate } from '../domain/dates';

/** What a processor does when it runs. */
export const PROCESSOR_BEHAVIOURS = [
  'complete',
  'never',
  'failed',
  'no_data',
  'silent',
  'failed-then-success',
] as const;
/**
 * - `complete`: runs and publishes status success (the default).
 * - `never`: starts and never finishes, so it never publishes (the 2025-12-29 incident). In phase 4, whose HTTP call
 *   is synchronous, the call hangs and ends in 504 after the platform's request timeout.
 * - `failed`: publishes status failed with error_message/error_type (phase 4: result status failed).
 * - `no_data`: publishes status no_data with record_count 0.
 * - `silent`: runs and succeeds but publishes nothing (e.g. a missing Pub/Sub permission: failure mode 3).
 * - `failed-then-success`: one run publishes `success` and then `failed` with the same execution_id, delivered in
 *   the opposite order (a later step of the run raised).
 * Phases 2 and 4 publish success only (PLATFORM.md): there `failed` and `no_data` publish nothing, and
 * `failed-then-success` only its success.
 */
export type ProcessorBehaviour = (typeof PROCESSOR_BEHAVIOURS)[number];

export interface ProcessorScenario {
  behaviour?: ProcessorBehaviour;
  /** How long one run takes, in the day's time. Default: scenario.defaultDelayMs, else 1-4 minutes from the name. */
  delayMs?: number;
  /** The service answers 500 to the first N trigger calls naming this processor. */
  http500Times?: number;
  /** The service answers 403 to the first N trigger calls naming it (a redeploy stripped invoker rights). */
  http403Times?: number;
  /** Publishes `Async<ClassName>` (the upcoming player context does by default, as the platform's async route). */
  asyncClassName?: boolean;
  /** Phase 4 only: the result status is `failed` for the first N calls naming it (nothing published). */
  resultFailedTimes?: number;
  /** Overrides the record count derived from the day's games. */
  recordCount?: number;
  /** A re-run for a date this processor already completed is deduplicated: it publishes nothing (failure mode 7). */
  dedupeReruns?: boolean;
  /** error_message for `failed`. */
  errorMessage?: string;
}

export interface CoordinatorScenario {
  /** /start answers 503 DATA_INCOMPLETE to the first N calls (unless skip_completeness_check). */
  start503Times?: number;
  /** /start answers 404 (no players): `true` always, a number for the first N calls. */
  start404?: boolean | number;
  /** The first /start for a date answers 409 with a batch someone else started; that batch then completes. */
  alreadyRunning?: boolean;
  /** How long a batch takes per player, in the day's time (default 3 s). */
  msPerPlayer?: number;
  /** completion_pct a batch ends at (default 100). */
  completionPct?: number;
  /** Players per scheduled game (default 26). */
  playersPerGame?: number;
  /** Batches stop making progress (stalled) and never complete. */
  stall?: boolean;
  /** The coordinator forgets its batches after this many /status calls (a restart): /status answers 404 not_found. */
  forgetAfterStatusCalls?: number;
}

/** The platform's own background traffic that no orchestrator uses, published on the topics Gameday subscribes to. */
export interface NoiseScenario {
  /** Untracked processors: the hourly injury report (phases 1-2), other scrapers. Default true. */
  untracked?: boolean;
  /** Messages without processor_name (the cleanup job's re-publishes, the ESPN roster format), and the dead legacy publisher's numeric phase. Default true. */
  unnamed?: boolean;
  /** A phase-3 run without an end date publishes game_date "None". Default true. */
  noneDates?: boolean;
  /** A scheduled phase-4 run (AUTO = yesterday in UTC) that still publishes. Default true. */
  scheduledPhase4?: boolean;
  /** The injury report re-runs player_game_summary for the report date (the platform's phase-3 map does). Default false. */
  injuryRerunsPlayerSummary?: boolean;
}

export interface Scenario {
  name: string;
  description?: string;
  /** Games scheduled per date (YYYY-MM-DD). Dates not listed use the built-in deterministic schedule. */
  gamesByDate?: Record<string, number>;
  /** Run time of every processor (the day's time) unless the processor sets its own. */
  defaultDelayMs?: number;
  /** `dedupeReruns` for every processor that does not set its own. */
  dedupeReruns?: boolean;
  /** Per-processor behaviour, keyed by snake name (any phase 1-5 processor of the config). */
  processors?: Record<string, ProcessorScenario>;
  coordinator?: CoordinatorScenario;
  export?: { http500Times?: number };
  /**
   * `status`: every grading run's status. `missingActualsRuns`: the first N gradings of each date find no actual
   * results; the function re-runs player_game_summary itself (its completion follows) and answers auto_heal_pending.
   */
  grading?: { status?: string; missingActualsRuns?: number };
  noise?: NoiseScenario;
  /** Pub/Sub push delivery: `duplicateDelivery` delivers every message N times (at least once; duplicate subscriptions). */
  publish?: { duplicateDelivery?: boolean | number; delayMs?: number; outOfOrder?: boolean };
}

const count = z.number().int().min(0);
const delay = z
  .number()
  .int()
  .min(0)
  .max(24 * 3_600_000);

const processorScenarioSchema = z.strictObject({
  behaviour: z.enum(PROCESSOR_BEHAVIOURS).optional(),
  delayMs: delay.optional(),
  http500Times: count.optional(),
  http403Times: count.optional(),
  asyncClassName: z.boolean().optional(),
  resultFailedTimes: count.optional(),
  recordCount: count.optional(),
  dedupeReruns: z.boolean().optional(),
  errorMessage: z.string().min(1).optional(),
});

export const scenarioSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  gamesByDate: z
    .record(z.string().refine(isValidGameDate, 'must be a YYYY-MM-DD date'), z.number().int().min(0).max(20))
    .optional(),
  defaultDelayMs: delay.optional(),
  dedupeReruns: z.boolean().optional(),
  processors: z.record(z.string(), processorScenarioSchema).optional(),
  coordinator: z
    .strictObject({
      start503Times: count.optional(),
      start404: z.union([z.boolean(), count]).optional(),
      alreadyRunning: z.boolean().optional(),
      msPerPlayer: delay.optional(),
      completionPct: z.number().min(0).max(100).optional(),
      playersPerGame: z.number().int().min(1).max(40).optional(),
      stall: z.boolean().optional(),
      forgetAfterStatusCalls: count.optional(),
    })
    .optional(),
  export: z.strictObject({ http500Times: count.optional() }).optional(),
  grading: z.strictObject({ status: z.string().min(1).optional(), missingActualsRuns: count.optional() }).optional(),
  noise: z
    .strictObject({
      untracked: z.boolean().optional(),
      unnamed: z.boolean().optional(),
      noneDates: z.boolean().optional(),
      scheduledPhase4: z.boolean().optional(),
      injuryRerunsPlayerSummary: z.boolean().optional(),
    })
    .optional(),
  publish: z
    .strictObject({
      duplicateDelivery: z.union([z.boolean(), z.number().int().min(1).max(100_000)]).optional(),
      delayMs: delay.optional(),
      outOfOrder: z.boolean().optional(),
    })
    .optional(),
});

export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

/** Checks a scenario's shape and, given the config, that every processor it names exists. */
export function validateScenario(input: unknown, config?: GamedayConfig): Scenario {
  const parsed = scenarioSchema.safeParse(input);
  const label = typeof (input as { name?: unknown })?.name === 'string' ? ` "${(input as { name: string }).name}"` : '';
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ScenarioError(`invalid local-platform scenario${label}:\n${lines.join('\n')}`);
  }
  const scenario = parsed.data as Scenario;
  if (config) {
    const problems: string[] = [];
    const phaseOf = new Map<string, number>();
    for (const phase of [1, 2, 3, 4, 5] as const) {
      for (const p of config.processors[phase]) phaseOf.set(p.name, phase);
    }
    for (const [name, behaviour] of Object.entries(scenario.processors ?? {})) {
      const phase = phaseOf.get(name);
      if (phase === undefined) {
        problems.push(`  processors.${name}: unknown processor; expected one of ${[...phaseOf.keys()].join(', ')}`);
      } else if (behaviour.resultFailedTimes !== undefined && phase !== 4) {
        problems.push(
          `  processors.${name}.resultFailedTimes: only phase-4 processors answer with results (${name} is phase ${phase})`,
        );
      }
    }
    if (problems.length) throw new ScenarioError(`invalid local-platform scenario${label}:\n${problems.join('\n')}`);
  }
  return scenario;
}

/** FNV-1a: a small deterministic hash for delays, schedules and ids. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function processorScenario(scenario: Scenario, name: string): ProcessorScenario {
  return scenario.processors?.[name] ?? {};
}

export function behaviourOf(scenario: Scenario, name: string): ProcessorBehaviour {
  return processorScenario(scenario, name).behaviour ?? 'complete';
}

/** The run time of a processor in the day's time: its own delayMs, else the scenario default, else 1-4 minutes. */
export function delayOf(scenario: Scenario, name: string): number {
  return processorScenario(scenario, name).delayMs ?? scenario.defaultDelayMs ?? 60_000 + (hashString(name) % 180_000);
}

export function noiseOf(scenario: Scenario): Required<NoiseScenario> {
  return {
    untracked: scenario.noise?.untracked ?? true,
    unnamed: scenario.noise?.unnamed ?? true,
    noneDates: scenario.noise?.noneDates ?? true,
    scheduledPhase4: scenario.noise?.scheduledPhase4 ?? true,
    injuryRerunsPlayerSummary: scenario.noise?.injuryRerunsPlayerSummary ?? false,
  };
}

export const COORDINATOR_DEFAULTS = {
  msPerPlayer: 3000,
  completionPct: 100,
  playersPerGame: 26,
} as const;
