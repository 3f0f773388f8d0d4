/**
 * The day's record: pure, deterministic operations on DayState (no Temporal API), so tests call them directly.
 * Creating and resuming the state, applying a platform message, and what the 3 -> 4 and 4 -> 5 rules see.
 */
import type {
  AlertRecord,
  CycleState,
  DayState,
  Phase3Progress,
  Phase4Progress,
  ProcessorRecord,
  ProcessorRun,
  StepState,
} from '../../contracts/state';
import type { DayClock } from '../../domain/clock';
import { CYCLES, type Cycle } from '../../domain/cycles';
import type { DayPlan, PhaseThreeSpec } from '../../domain/day-plan';
import { gradingRunStatus } from '../../domain/grading';
import type { Delivery, Interpretation } from '../../domain/messages';
import type { PhaseNumber } from '../../domain/phases';
import { evaluateQuorum, type QuorumDecision } from '../../domain/quorum';

export const iso = (ms: number): string => new Date(ms).toISOString();
const MAX_RUNS_KEPT = 5;
const MAX_SAMPLES = 10;
const MAX_ALERTS = 200;

export function newDayState(options: {
  gameDate: string;
  workflowId: string;
  runId: string;
  plan: DayPlan;
  clock: DayClock;
  now: number;
  startCycle: Cycle;
}): DayState {
  const { plan, startCycle } = options;
  const startIndex = CYCLES.indexOf(startCycle);
  const cycles = Object.fromEntries(
    CYCLES.map((cycle, i): [Cycle, CycleState] => {
      const c = plan.cycles[cycle];
      const skipped = i < startIndex;
      return [
        cycle,
        {
          cycle,
          status: skipped ? 'SKIPPED' : 'PENDING',
          countFrom: iso(c.countFrom),
          endsAt: iso(c.endsAt),
          note: skipped ? `the day started at ${iso(options.now)}, after this cycle` : undefined,
          steps: c.steps.map((s): StepState => ({
            id: s.id,
            cycle,
            kind: s.kind,
            phase: s.phase,
            label: s.label,
            time: s.time,
            dueAt: iso(s.at),
            status: skipped ? 'SKIPPED' : 'PENDING',
            restarts: 0,
            runMode: s.runMode,
            lastCheckAt: s.until === undefined ? undefined : iso(s.until),
            everyMs: s.everyMs,
            retryUngraded: s.retryUngraded,
          })),
        },
      ];
    }),
  ) as Record<Cycle, CycleState>;
  return {
    gameDate: options.gameDate,
    workflowId: options.workflowId,
    runId: options.runId,
    chainId: options.runId,
    runs: 1,
    status: 'STARTING',
    cycle: startCycle,
    summary: 'starting',
    startedAt: iso(options.now),
    clock: options.clock,
    cycles,
    processors: {},
    messages: { received: 0, counted: 0, duplicates: 0, ignored: 0, unusable: 0, byReason: {}, recent: [] },
    seenMessageIds: [],
    predictions: { ready: false },
    alerts: [],
    operatorActions: [],
    outbox: { alertKeys: [], log: [] },
  };
}

export function findStep(state: DayState, id: string): StepState {
  const cycle = id.split('/')[0] as Cycle;
  const step = state.cycles[cycle]?.steps.find((s) => s.id === id);
  if (!step) throw new Error(`no step ${id}`);
  return step;
}

export const processorKey = (phase: PhaseNumber, name: string): string => `${phase}:${name}`;

export type MessageOutcome =
  | { kind: 'counted'; phase: PhaseNumber; processor: string }
  | { kind: 'recorded'; phase?: PhaseNumber; processor?: string }
  | { kind: 'duplicate'; reason: string }
  | { kind: 'ignored'; reason: string }
  | { kind: 'unusable'; reason: string };

function remember(state: DayState, messageId: string, limit: number): void {
  state.seenMessageIds.push(messageId);
  if (state.seenMessageIds.length > limit) state.seenMessageIds.splice(0, state.seenMessageIds.length - limit);
}

function count(state: DayState, code: string): void {
  state.messages.byReason[code] = (state.messages.byReason[code] ?? 0) + 1;
}

function sample(state: DayState, now: number, code: string, reason: string, messageId?: string): void {
  state.messages.recent.push({ receivedAt: iso(now), code, reason, messageId });
  if (state.messages.recent.length > MAX_SAMPLES) state.messages.recent.shift();
}

/** Adds a run to a processor's record; a run (execution ID) counts once, and success wins whatever the arrival order. */
export function recordRun(
  state: DayState,
  phase: PhaseNumber,
  name: string,
  run: ProcessorRun,
): { newlyCounted: boolean } {
  const key = processorKey(phase, name);
  const record: ProcessorRecord = (state.processors[key] ??= { phase, name, runs: [], messages: 0 });
  if (run.source === 'message') record.messages += 1;
  const counts = (r: ProcessorRun) => r.status === 'success' || r.status === 'partial';
  const existing = record.runs.find((r) => r.executionId === run.executionId);
  if (existing) {
    if (counts(existing) || !counts(run)) return { newlyCounted: false };
    Object.assign(existing, run);
    return { newlyCounted: true };
  }
  record.runs.unshift(run);
  if (record.runs.length > MAX_RUNS_KEPT) {
    // Keep the newest runs, but never drop the day's first counted run of a cycle window: the oldest counted one stays.
    const oldestCounted = [...record.runs].reverse().find(counts);
    record.runs = record.runs.slice(0, MAX_RUNS_KEPT);
    if (oldestCounted && !record.runs.includes(oldestCounted)) record.runs[MAX_RUNS_KEPT - 1] = oldestCounted;
  }
  if (!record.lastAt || run.at > record.lastAt) record.lastAt = run.at;
  return { newlyCounted: counts(run) };
}

/**
 * Applies one interpreted message. A Pub/Sub message ID seen before changes nothing (a redelivery); a message for
 * another date or one that cannot be used is counted and sampled, never thrown.
 */
export function applyMessage(
  state: DayState,
  interpretation: Interpretation,
  delivery: Delivery | undefined,
  now: number,
  rememberIds: number,
): MessageOutcome {
  state.messages.received += 1;
  const messageId = delivery?.messageId;
  if (messageId && state.seenMessageIds.includes(messageId)) {
    state.messages.duplicates += 1;
    return { kind: 'duplicate', reason: `message ${messageId} already applied` };
  }
  if (messageId) remember(state, messageId, rememberIds);

  if (interpretation.kind === 'unusable' || interpretation.kind === 'ignored') {
    state.messages[interpretation.kind] += 1;
    count(state, interpretation.code);
    if (interpretation.kind === 'unusable') sample(state, now, interpretation.code, interpretation.reason, messageId);
    return { kind: interpretation.kind, reason: interpretation.reason };
  }
  const date = interpretation.gameDate;
  if (date !== undefined && date !== state.gameDate) {
    state.messages.ignored += 1;
    count(state, 'other_date');
    sample(state, now, 'other_date', `message for ${date} delivered to ${state.gameDate}`, messageId);
    return { kind: 'ignored', reason: `message for ${date}, not ${state.gameDate}` };
  }
  if (interpretation.kind === 'grading' || interpretation.kind === 'export') {
    const phase: PhaseNumber = interpretation.kind === 'grading' ? 5 : 6;
    const name = interpretation.kind;
    const reported = interpretation.status;
    const status =
      interpretation.kind === 'grading'
        ? gradingRunStatus(reported, interpretation.predictionsFound)
        : reported === 'success'
          ? 'success'
          : 'failed';
    recordRun(state, phase, name, {
      executionId: interpretation.executionId || `${name}:${interpretation.at}`,
      status,
      at: interpretation.at || iso(now),
      source: 'message',
      recordCount: interpretation.kind === 'grading' ? interpretation.gradedCount : undefined,
      error: reported === 'success' ? undefined : `status ${reported}`,
      reportedStatus: reported === status ? undefined : reported,
    });
    state.messages.counted += 1;
    return { kind: 'recorded', phase, processor: name };
  }
  const { newlyCounted } = recordRun(state, interpretation.phase, interpretation.processor, {
    executionId: interpretation.executionId,
    status: interpretation.status,
    at: interpretation.at || iso(now),
    recordCount: interpretation.recordCount,
    triggerSource: interpretation.triggerSource,
    completionPct: interpretation.completionPct,
    source: 'message',
    error: interpretation.error,
  });
  if (!newlyCounted) {
    if (!interpretation.counts) {
      count(state, `status_${interpretation.status}`);
      return { kind: 'recorded', phase: interpretation.phase, processor: interpretation.processor };
    }
    state.messages.duplicates += 1;
    return {
      kind: 'duplicate',
      reason: `${interpretation.processor} run ${interpretation.executionId} already counted`,
    };
  }
  state.messages.counted += 1;
  return { kind: 'counted', phase: interpretation.phase, processor: interpretation.processor };
}

/** The first counted run of a processor at or after `since` (epoch ms), if any. */
export function firstCountedAt(state: DayState, phase: PhaseNumber, name: string, since: number): number | undefined {
  const runs = state.processors[processorKey(phase, name)]?.runs ?? [];
  const times = runs
    .filter((r) => (r.status === 'success' || r.status === 'partial') && Date.parse(r.at) >= since)
    .map((r) => Date.parse(r.at));
  return times.length ? Math.min(...times) : undefined;
}

/** What phase 3 looks like for a cycle's rule: which expected processors count, since when. */
export function phase3View(
  state: DayState,
  rule: PhaseThreeSpec,
  countFrom: number,
  dayCountFrom: number,
  partialAfterMs: number,
): { progress: Phase3Progress; decision: QuorumDecision; firstAt?: number; partialAt?: number } {
  const completedAt = new Map<string, number>();
  for (const name of rule.expected) {
    const since = rule.carriedOver.includes(name) ? dayCountFrom : countFrom;
    const at = firstCountedAt(state, 3, name, since);
    if (at !== undefined) completedAt.set(name, at);
  }
  const decision = evaluateQuorum(
    { expected: rule.expected, critical: rule.critical, minimumComplete: rule.minimumComplete },
    new Set(completedAt.keys()),
  );
  const fresh = [...completedAt.entries()].filter(([name]) => !rule.carriedOver.includes(name)).map(([, at]) => at);
  const all = [...completedAt.values()];
  const firstAt = fresh.length ? Math.min(...fresh) : all.length ? Math.min(...all) : undefined;
  const partialAt = firstAt === undefined ? undefined : firstAt + partialAfterMs;
  return {
    decision,
    firstAt,
    partialAt,
    progress: {
      expected: rule.expected,
      critical: rule.critical,
      complete: rule.expected.filter((n) => completedAt.has(n)),
      firstCompletionAt: firstAt === undefined ? undefined : iso(firstAt),
      partialTriggerAt: partialAt === undefined ? undefined : iso(partialAt),
      missing: decision.kind === 'all_complete' ? [] : decision.missing,
    },
  };
}

/** What the 4 -> 5 rule sees in a cycle: phase-4 processors with a counted run since the cycle's start. */
export function phase4View(
  state: DayState,
  processors: readonly string[],
  countFrom: number,
): Phase4Progress & { firstAt?: number } {
  const times = processors
    .map((name) => [name, firstCountedAt(state, 4, name, countFrom)] as const)
    .filter((entry): entry is readonly [string, number] => entry[1] !== undefined);
  const firstAt = times.length ? Math.min(...times.map(([, at]) => at)) : undefined;
  return {
    total: processors.length,
    complete: times.map(([name]) => name),
    firstCompletionAt: firstAt === undefined ? undefined : iso(firstAt),
    firstAt,
  };
}

export function addAlert(state: DayState, alert: AlertRecord): boolean {
  if (state.alerts.some((a) => a.key === alert.key)) return false;
  state.alerts.push(alert);
  if (state.alerts.length > MAX_ALERTS) state.alerts.shift();
  return true;
}
