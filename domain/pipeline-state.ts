import type { PhaseNumber } from './phases';
import type { PipelineMode } from './dates';
import type { CompletionStatus } from './completion-message';

export type PipelineStatus = 'RUNNING' | 'WAITING' | 'STUCK' | 'BLOCKED' | 'COMPLETE' | 'NO_GAMES' | 'FAILED';
export type PhaseStatus = 'PENDING' | 'WAITING' | 'RUNNING' | 'STUCK' | 'BLOCKED' | 'COMPLETE' | 'FAILED' | 'SKIPPED';
export type ProcessorStatus = 'PENDING' | 'COMPLETE' | 'FAILED' | 'NO_DATA' | 'SKIPPED';

export interface ProcessorState {
  status: ProcessorStatus;
  messageStatus?: CompletionStatus;
  completedAt?: string;
  recordCount?: number;
  executionId?: string;
  error?: string;
}

export interface PhaseState {
  phase: PhaseNumber;
  name: string;
  status: PhaseStatus;
  startedAt?: string;
  triggeredAt?: string;
  completedAt?: string;
  /** Why the phase started: all upstream complete, the partial trigger, or an operator's force. */
  triggerReason?: string;
  /** What the phase's own trigger did (e.g. the prediction batch it started). */
  triggeredBy?: string;
  /** Why the phase finished (or was skipped). */
  completedReason?: string;
  missingProcessors?: string[];
  /** Partial-trigger deadline while phase 3 waits for its quorum. */
  partialTriggerAt?: string;
  degraded?: boolean;
  error?: string;
  /** Whatever the phase's trigger answered that an operator needs (e.g. the prediction batch). */
  details?: Record<string, unknown>;
  /** The data gate in front of the phase's trigger (phases 4-6, when the warehouse is enabled). */
  gate?: GateState;
  /** The processors this phase waits for in the run's mode (phases 1-3) or runs (4-5). */
  expectedProcessors?: string[];
  processors: Record<string, ProcessorState>;
}

/** One warehouse check of a data gate, with the numbers it saw. */
export interface GateCheckResult {
  /** e.g. `min_rows:player_game_summary`, `schedule_coverage`, `phase4_tables`, `clean_features`, `predictions`. */
  check: string;
  passed: boolean;
  observed: number;
  required: number;
  /** Human-readable, numbers included: "player_game_summary has 40 rows for 2025-12-29 (need >= 100)". */
  reason: string;
}

export interface GateState {
  status: 'CHECKING' | 'PASSED' | 'BLOCKED' | 'SKIPPED';
  /** How many times the gate was checked. */
  attempts: number;
  checks: GateCheckResult[];
  /** The first failing check's reason while BLOCKED; the operator's reason when SKIPPED. */
  reason?: string;
  firstCheckedAt?: string;
  lastCheckedAt?: string;
  nextCheckAt?: string;
  passedAt?: string;
}

export interface AlertRecord {
  key: string;
  kind:
    | 'PHASE_STUCK'
    | 'PHASE_FAILED'
    | 'PHASE_FORCED'
    | 'PHASE_DEGRADED'
    | 'GATE_FAILED'
    | 'PREDICTIONS_MISSING'
    | 'WORKFLOW_FAILED';
  phase?: PhaseNumber;
  message: string;
  fixCommand?: string;
  raisedAt: string;
}

export interface RejectedMessage {
  receivedAt: string;
  reason: string;
  processorName?: string;
  gameDate?: string;
  executionId?: string;
}

export interface OperatorAction {
  at: string;
  action: 'forcePhase';
  phase: PhaseNumber;
  reason: string;
  user: string;
  skipGates: boolean;
}

export interface PipelineState {
  gameDate: string;
  workflowId: string;
  runId: string;
  mode?: PipelineMode;
  status: PipelineStatus;
  currentPhase?: PhaseNumber;
  gamesScheduled?: number;
  startedAt: string;
  completedAt?: string;
  phases: Record<PhaseNumber, PhaseState>;
  alerts: AlertRecord[];
  rejectedMessages: RejectedMessage[];
  duplicateMessages: number;
  operatorActions: OperatorAction[];
}

export interface ForcePhaseRequest {
  phase: PhaseNumber;
  reason: string;
  skipGates?: boolean;
  /** Who asked; the CLI fills it from the OS user. */
  user?: string;
}

export interface PipelineInput {
  gameDate: string;
  /** Overrides the mode derived from the date against today in America/New_York. */
  mode?: PipelineMode;
  /** Starts at this phase, marking earlier ones SKIPPED (a re-run of a finished date). */
  fromPhase?: PhaseNumber;
}
