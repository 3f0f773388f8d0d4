/**
 * The plan of one game date's day: every timer of the three cycles as an instant, from the config's
 * lifecycle times (`D-1 17:00`, ...). Pure: computed once per date by an activity and carried in the state.
 */
import { CYCLES, type Cycle } from './cycles';
import { dayTimeInstant } from './day-times';
import type { PhaseNumber } from './phases';

/** What a step of the day does. */
export type StepKind =
  | 'phase3'
  | 'phase4'
  | 'feature-refresh'
  | 'prediction-wave'
  | 'predictions-deadline'
  | 'tonight-export'
  | 'grading'
  | 'results-export'
  | 'gap-check';

export interface PlannedStep {
  /** Unique in the day: `same_day/wave-1`. */
  id: string;
  cycle: Cycle;
  kind: StepKind;
  phase: PhaseNumber;
  /** The step's timer, epoch ms. */
  at: number;
  /** The config time it comes from, e.g. `D 08:00`. */
  time: string;
  label: string;
  /** prediction-wave: the coordinator's prediction_run_mode. */
  runMode?: string;
  /** phase4 / feature-refresh: the processors (snake names) it runs; empty = all. */
  processors?: string[];
  /**
   * phase4: `time-then-rule` runs at `at` once phase 3 is in (tomorrow, same_day); `rule-or-time` runs as soon as
   * phase 3 is in and at `at` at the latest, degraded (overnight recompute).
   */
  trigger?: 'time-then-rule' | 'rule-or-time';
  /** grading: the last check and the interval between checks. */
  until?: number;
  everyMs?: number;
  /** grading: how often, and how long at most after a run that could not grade yet, it is triggered again. */
  retryUngraded?: { times: number; waitMs: number };
}

export interface CyclePlan {
  cycle: Cycle;
  /** Completions published from here on count for the cycle. */
  countFrom: number;
  /** The cycle ends here (its unfinished steps are reported) and the next one starts. */
  endsAt: number;
  steps: PlannedStep[];
}

export interface DayPlan {
  gameDate: string;
  cycles: Record<Cycle, CyclePlan>;
}

export interface WaveSpec {
  at: string;
  runMode: string;
}

export interface PhaseThreeSpec {
  expected: string[];
  critical: string[];
  minimumComplete: number;
  carriedOver: string[];
  remedyAt: string;
}

/** The lifecycle part of the config (times as `D±n HH:MM`). */
export interface LifecycleSpec {
  tomorrow: {
    countFrom: string;
    endsAt: string;
    phase3: PhaseThreeSpec;
    phase4At: string;
    predictionWaves: WaveSpec[];
  };
  same_day: {
    countFrom: string;
    endsAt: string;
    phase3: PhaseThreeSpec;
    phase4At: string;
    featureRefresh: { at: string[]; processors: string[] };
    predictionWaves: WaveSpec[];
    predictionsDeadline: string;
    tonightExports: { at: string[]; afterEachBatch: boolean };
  };
  overnight: {
    countFrom: string;
    endsAt: string;
    phase3: PhaseThreeSpec;
    phase4LatestAt: string;
    grading: {
      firstCheckAt: string;
      lastCheckAt: string;
      everyMinutes: number;
      retryUngraded: { times: number; waitMinutes: number };
    };
    resultsExportAt: string;
    gapCheckAt: string;
  };
}

const hhmm = (time: string): string => time.slice(-5);

export function planDay(gameDate: string, spec: LifecycleSpec, timeZone: string): DayPlan {
  const at = (time: string): number => dayTimeInstant(gameDate, time, timeZone);
  const step = (cycle: Cycle, id: string, kind: StepKind, phase: PhaseNumber, time: string, label: string) => ({
    id: `${cycle}/${id}`,
    cycle,
    kind,
    phase,
    at: at(time),
    time,
    label,
  });
  const waves = (cycle: Cycle, list: WaveSpec[]): PlannedStep[] =>
    list.map((wave, i) => ({
      ...step(cycle, `wave-${i + 1}`, 'prediction-wave', 5, wave.at, `${wave.runMode} predictions at ${hhmm(wave.at)}`),
      runMode: wave.runMode,
    }));

  const t = spec.tomorrow;
  const tomorrow: PlannedStep[] = [
    step(
      'tomorrow',
      'phase3',
      'phase3',
      3,
      t.phase3.remedyAt,
      `phase 3 upcoming contexts by ${hhmm(t.phase3.remedyAt)}`,
    ),
    {
      ...step('tomorrow', 'phase4', 'phase4', 4, t.phase4At, `phase 4 at ${hhmm(t.phase4At)}`),
      processors: [],
      trigger: 'time-then-rule',
    },
    ...waves('tomorrow', t.predictionWaves),
  ];

  const s = spec.same_day;
  const sameDay: PlannedStep[] = [
    {
      ...step('same_day', 'phase4', 'phase4', 4, s.phase4At, `phase 4 at ${hhmm(s.phase4At)}`),
      processors: [],
      trigger: 'time-then-rule',
    },
    step(
      'same_day',
      'phase3',
      'phase3',
      3,
      s.phase3.remedyAt,
      `phase 3 upcoming contexts by ${hhmm(s.phase3.remedyAt)}`,
    ),
    ...s.featureRefresh.at.map((time, i) => ({
      ...step('same_day', `refresh-${i + 1}`, 'feature-refresh', 4, time, `feature refresh at ${hhmm(time)}`),
      processors: s.featureRefresh.processors,
    })),
    ...waves('same_day', s.predictionWaves),
    step(
      'same_day',
      'deadline',
      'predictions-deadline',
      5,
      s.predictionsDeadline,
      `predictions deadline ${hhmm(s.predictionsDeadline)}`,
    ),
    ...s.tonightExports.at.map((time, i) =>
      step('same_day', `export-${i + 1}`, 'tonight-export', 6, time, `tonight export at ${hhmm(time)}`),
    ),
  ];

  const o = spec.overnight;
  const overnight: PlannedStep[] = [
    step('overnight', 'phase3', 'phase3', 3, o.phase3.remedyAt, `phase 3 (all five) by ${hhmm(o.phase3.remedyAt)}`),
    {
      ...step(
        'overnight',
        'phase4',
        'phase4',
        4,
        o.phase4LatestAt,
        `phase 4 recompute, at the latest ${hhmm(o.phase4LatestAt)}`,
      ),
      processors: [],
      trigger: 'rule-or-time',
    },
    {
      ...step(
        'overnight',
        'grading',
        'grading',
        5,
        o.grading.firstCheckAt,
        `grading once all games are Final (checks from ${hhmm(o.grading.firstCheckAt)})`,
      ),
      until: at(o.grading.lastCheckAt),
      everyMs: o.grading.everyMinutes * 60_000,
      retryUngraded: {
        times: o.grading.retryUngraded.times,
        waitMs: o.grading.retryUngraded.waitMinutes * 60_000,
      },
    },
    step(
      'overnight',
      'results-export',
      'results-export',
      6,
      o.resultsExportAt,
      `results export at ${hhmm(o.resultsExportAt)}`,
    ),
    step('overnight', 'gap-check', 'gap-check', 6, o.gapCheckAt, `gap check at ${hhmm(o.gapCheckAt)}`),
  ];

  const byTime = (steps: PlannedStep[]) => [...steps].sort((a, b) => a.at - b.at);
  const cycle = (name: Cycle, countFrom: string, endsAt: string, steps: PlannedStep[]): CyclePlan => ({
    cycle: name,
    countFrom: at(countFrom),
    endsAt: at(endsAt),
    steps: byTime(steps),
  });
  return {
    gameDate,
    cycles: {
      tomorrow: cycle('tomorrow', t.countFrom, t.endsAt, tomorrow),
      same_day: cycle('same_day', s.countFrom, s.endsAt, sameDay),
      overnight: cycle('overnight', o.countFrom, o.endsAt, overnight),
    },
  };
}

/** Problems with a lifecycle: steps outside their cycle, cycles out of order. Empty when the plan is sound. */
export function planProblems(plan: DayPlan): string[] {
  const problems: string[] = [];
  let previousEnd = -Infinity;
  for (const name of CYCLES) {
    const c = plan.cycles[name];
    if (c.endsAt <= previousEnd) problems.push(`${name}.endsAt must be after the previous cycle's end`);
    for (const s of c.steps) {
      if (s.at > c.endsAt) problems.push(`${s.id} (${s.time}) is after ${name}.endsAt`);
      if (s.at < previousEnd) problems.push(`${s.id} (${s.time}) is before ${name} starts (the previous cycle's end)`);
      if (s.until !== undefined && s.until < s.at) problems.push(`${s.id}: its last check is before its first`);
    }
    previousEnd = c.endsAt;
  }
  return problems;
}

/** The cycle a virtual instant falls in (the last one once the day is over). */
export function cycleAt(plan: DayPlan, instant: number): Cycle {
  return CYCLES.find((c) => instant < plan.cycles[c].endsAt) ?? 'overnight';
}
