/** Every benchmark of `npm run bench`, in report order. */
import type { Section } from './report';
import { airflowSection, measureAirflow } from './airflow';
import { CHAOS_DATES, chaosSection, measureChaos } from './chaos';
import { measureSeason, seasonSection, SEASON_DATES } from './season';
import { statusBenchmark } from './status';
import { measureTriggers, triggerSection, type TriggerSamples } from './trigger';

export interface BenchContext {
  /** --dates: fewer (or more) dates than the benchmark's full size. */
  dates?: number;
  /** Results one benchmark leaves for another (the Airflow comparison reuses the trigger run's phase-4 gaps). */
  shared: { triggers?: TriggerSamples };
}

export const TRIGGER_DATES = 200;
const AIRFLOW_GAMEDAY_DATES = 20;

export const BENCHMARKS = {
  trigger: async (ctx: BenchContext): Promise<Section> => {
    ctx.shared.triggers = await measureTriggers(ctx.dates ?? TRIGGER_DATES);
    return triggerSection(ctx.shared.triggers);
  },
  airflow: async (ctx: BenchContext): Promise<Section> => {
    // Gameday's side comes from the trigger benchmark's run, or a smaller one of its own.
    ctx.shared.triggers ??= await measureTriggers(Math.min(ctx.dates ?? AIRFLOW_GAMEDAY_DATES, AIRFLOW_GAMEDAY_DATES));
    return airflowSection(await measureAirflow(), ctx.shared.triggers);
  },
  season: async (ctx: BenchContext): Promise<Section> => seasonSection(await measureSeason(ctx.dates ?? SEASON_DATES)),
  chaos: async (ctx: BenchContext): Promise<Section> => chaosSection(await measureChaos(ctx.dates ?? CHAOS_DATES)),
  status: () => statusBenchmark(),
} satisfies Record<string, (ctx: BenchContext) => Promise<Section>>;

export type BenchmarkId = keyof typeof BENCHMARKS;
