/**
 * The state of a game date's day, as the `pipelineState` query answers it and as continue-as-new carries it from
 * one run (cycle) to the next. Plain data, bounded in size: lists keep their newest entries.
 */
import type { DayClock } from '../domain/clock';
import type { ClaimOutcome } from '../domain/legacy';
import type { Cycle } from '../domain/cycles';
import type { StepKind } from '../domain/day-plan';
import type { MessageStatus } from '../domain/messages';
import type { PhaseNumber } from '../domain/phases';
import type { ExecutionLogEvent } from './execution-log';

export type DayStatus =
  | 'STARTING'
  | 'WAITING'
  | 'RUNNING'
  | 'BLOCKED'
  | 'STUCK'
  | 'FAILED'
  | 'COMPLETE'
  | 'COMPLETE_WITH_GAPS'
  | 'NO_GAMES'
  | 'CANCELLED';

/** Statuses of a date whose day is over: nothing more will happen without a rerun. */
export const CLOSED_DAY_STATUSES: readonly DayStatus[] = ['COMPLETE', 'COMPLETE_WITH_GAPS', 'NO_GAMES', 'CANCELLED'];
/** A day that is over and did what it had to. */
export const SUCCESSFUL_DAY_STATUSES: readonly DayStatus[] = ['COMPLETE', 'NO_GAMES'];
/** Statuses an operator must look at. */
export const TROUBLED_STATUSES: readonly string[] = ['STUCK', 'BLOCKED', 'FAILED'];

export type StepStatus =
  'PENDING' | 'WAITING' | 'RUNNING' | 'BLOCKED' | 'STUCK' | 'FAILED' | 'DONE' | 'SKIPPED' | 'MISSED';

export const FINISHED_STEP_STATUSES: readonly StepStatus[] = ['DONE', 'SKIPPED', 'MISSED'];

export type CycleStatus = 'PENDING' | 'RUNNING' | 'DONE' | 'SKIPPED';

/** One warehouse check of a data gate, with the numbers it saw. */
export interface GateCheckResult {
  check: string;
  passed: boolean;
  observed: number;
  required: number;
  reason: string;
}

export interface GateState {
  status: 'CHECKING' | 'PASSED' | 'BLOCKED' | 'SKIPPED';
  attempts: number;
  checks: GateCheckResult[];
  reason?: string;
  firstCheckedAt?: string;
  lastCheckedAt?: string;
  nextCheckAt?: string;
  passedAt?: string;
}

/** Phase 3 of a cycle: what the 3 -> 4 rule sees. */
export interface Phase3Progress {
  expected: string[];
  critical: string[];
  complete: string[];
  firstCompletionAt?: string;
  partialTriggerAt?: string;
  /** When the 3 -> 4 rule held (phase 4 may go), and why: all complete, or the partial trigger with what was missing. */
  decidedAt?: string;
  decision?: string;
  /** Gameday ran the missing processors itself (nothing arrived by the remedy time). */
  remedyTriggeredAt?: string;
  remedyProcessors?: string[];
  /** The scheduled remedy failed (an operator's force runs it again): the next run must not run it by itself. */
  remedyFailedAt?: string;
  missing?: string[];
}

/** Phase 4 of a cycle: what the 4 -> 5 rule (the tiers) sees. */
export interface Phase4Progress {
  total: number;
  complete: string[];
  firstCompletionAt?: string;
  nextTierAt?: string;
  decision?: string;
}

export interface PrecomputeResult {
  processor: string;
  status: string;
  recordCount?: number;
  at: string;
}

export interface BatchProgress {
  batchId?: string;
  runMode?: string;
  attached?: boolean;
  status?: string;
  expectedPlayers?: number;
  completedPlayers?: number;
  completionPct?: number;
  lastProgressAt?: string;
}

export interface StepState {
  /** `same_day/wave-1`. */
  id: string;
  cycle: Cycle;
  kind: StepKind;
  phase: PhaseNumber;
  label: string;
  /** The config time (`D 08:00`) and its instant in the day's time. */
  time: string;
  dueAt: string;
  status: StepStatus;
  /** prediction-wave: the coordinator's prediction_run_mode. */
  runMode?: string;
  /** grading: its last regular check and the interval between checks. */
  lastCheckAt?: string;
  everyMs?: number;
  /** grading: how often, and how long at most after a run that could not grade yet, it is triggered again. */
  retryUngraded?: { times: number; waitMs: number };
  startedAt?: string;
  /** When its trigger succeeded (never set unless it did). */
  triggeredAt?: string;
  finishedAt?: string;
  /** What it is waiting for now, and until when. */
  waitingFor?: string;
  waitingUntil?: string;
  /** What happened, in words. */
  outcome?: string;
  error?: string;
  degraded?: boolean;
  /**
   * What it waits for from an operator (a failed trigger): a force acts on it; the next run (continue-as-new) keeps it
   * parked instead of running its body again, which would trigger again by itself.
   */
  awaitsOperator?: string;
  /** Operator restarts: each one triggers anew with a fresh idempotency key. */
  restarts: number;
  idempotencyKey?: string;
  gate?: GateState;
  phase3?: Phase3Progress;
  phase4?: Phase4Progress;
  /** Coexistence with the legacy orchestrator: its claim before this step's trigger (legacy.mode not off). */
  legacy?: LegacyClaim;
  precompute?: PrecomputeResult[];
  batch?: BatchProgress;
  export?: { messageId?: string; updateLatest: boolean; exportTypes: string[]; count: number };
  grading?: {
    checks: number;
    finalGames?: number;
    totalGames?: number;
    triggeredAt?: string;
    /** Its one re-trigger after a silent run (failure mode 7); the next run does not send another. */
    regradedAt?: string;
    /** Its re-triggers after runs that could not grade yet (auto_heal_pending, skipped), and the last such run's time. */
    retries?: number;
    ungradedAt?: string;
    completedAt?: string;
    status?: string;
  };
  /** A message arrived that moved it on (e.g. grading complete). */
  lastUpdateAt?: string;
}

export interface LegacyClaim {
  outcome: ClaimOutcome | 'unknown';
  reason: string;
  at: string;
  /** When the legacy triggered (or began to), on the day's clock: only completions after it are its run's. */
  legacyAt?: string;
}

export interface CycleState {
  cycle: Cycle;
  status: CycleStatus;
  countFrom: string;
  endsAt: string;
  startedAt?: string;
  endedAt?: string;
  /** Why a cycle was skipped (the date started after it ended). */
  note?: string;
  steps: StepState[];
}

export interface ProcessorRun {
  executionId: string;
  status: MessageStatus;
  at: string;
  recordCount?: number;
  triggerSource?: string;
  completionPct?: number;
  /** Gameday's own phase-4 call (its answer), or a completion message. */
  source: 'message' | 'gameday';
  error?: string;
  /** The message's own status where it says more than `status` (grading: auto_heal_pending, skipped). */
  reportedStatus?: string;
}

/** What the day heard of one processor (newest runs first, a few kept). */
export interface ProcessorRecord {
  phase: PhaseNumber;
  name: string;
  runs: ProcessorRun[];
  messages: number;
  lastAt?: string;
}

export interface UnusableSample {
  receivedAt: string;
  code: string;
  reason: string;
  messageId?: string;
}

export interface MessageStats {
  received: number;
  counted: number;
  duplicates: number;
  ignored: number;
  unusable: number;
  byReason: Record<string, number>;
  recent: UnusableSample[];
}

export type AlertKind =
  | 'STEP_STUCK'
  | 'STEP_FAILED'
  | 'GATE_FAILED'
  | 'PERMISSION_DENIED'
  | 'PHASE_FORCED'
  | 'PHASE_DEGRADED'
  | 'PREDICTIONS_MISSING'
  | 'GRADING_LATE'
  | 'CYCLE_INCOMPLETE'
  | 'DAY_GAPS'
  | 'DAY_CANCELLED'
  | 'START_FAILED'
  | 'WORKFLOW_FAILED';

export interface AlertRecord {
  key: string;
  kind: AlertKind;
  phase?: PhaseNumber;
  cycle?: Cycle;
  message: string;
  fixCommand?: string;
  raisedAt: string;
}

export interface OperatorAction {
  at: string;
  action: 'forcePhase' | 'complete' | 'reset' | 'note';
  phase?: PhaseNumber;
  cycle?: Cycle;
  reason: string;
  user: string;
  skipGates?: boolean;
  /** What it did, as the workflow reported it. */
  outcome?: string;
}

export interface DayState {
  gameDate: string;
  workflowId: string;
  /** This run, and how many runs (cycles and continue-as-new) the day has had. */
  runId: string;
  /** The first run of this day's chain of runs: a rerun starts a new chain, continue-as-new keeps it. */
  chainId: string;
  runs: number;
  status: DayStatus;
  cycle: Cycle;
  currentPhase?: PhaseNumber;
  /** One line for the UI and the CLI: where the day stands and what it waits for. */
  summary: string;
  gamesScheduled?: number;
  startedAt: string;
  completedAt?: string;
  clock: DayClock;
  cycles: Record<Cycle, CycleState>;
  processors: Record<string, ProcessorRecord>;
  messages: MessageStats;
  /** Pub/Sub message IDs already applied (newest last). */
  seenMessageIds: string[];
  /** Predictions for D: ready once a batch reached the bar (and, with the warehouse, enough active rows). */
  predictions: { ready: boolean; readyAt?: string; completionPct?: number; batchId?: string; activeRows?: number };
  alerts: AlertRecord[];
  operatorActions: OperatorAction[];
  /** Bookkeeping not yet written when the run ended (continue-as-new carries it to the next run). */
  outbox: { alertKeys: string[]; log: ExecutionLogEvent[] };
}
