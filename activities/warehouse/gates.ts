/** The data gates in front of phases 4-6: warehouse checks with thresholds from config.warehouse.gates. */
import type { Cycle as PipelineMode } from '../../domain/cycles';
import type { GateCheckResult } from '../../contracts/state';
import {
  activePredictionCount,
  analyticsGameIds,
  averageFeatureQuality,
  featureRowStats,
  rowCounts,
  scheduledGames,
  type FeatureRowStats,
  type WarehouseDeps,
} from './queries';

export interface DataGateRequest {
  gameDate: string;
  phase: number;
  /**
   * The run's mode. Before phase 4, `overnight` checks every minimum-rows table and the schedule coverage of
   * played games; `same_day`/`tomorrow` (games not played yet) check only the tables their processors write.
   */
  mode?: PipelineMode;
}

export interface DataGateResult {
  gameDate: string;
  phase: number;
  /** False when no gate guards this phase (or the warehouse is off): the workflow goes straight on. */
  enabled: boolean;
  passed: boolean;
  checks: GateCheckResult[];
  /** When to check again after a failure, already scaled by config.timeScale. */
  recheckAfterMs: number;
}

/** The phases a gate guards, and what it checks. */
export const GATED_PHASES: Record<number, string> = {
  4: 'phase-3 rows per table and schedule coverage',
  5: 'phase-4 tables present and clean feature rows',
  6: 'active predictions produced',
};

const pct = (part: number, whole: number): number => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0);

/** A team pair, order-free: the schedule's game ids and analytics' `YYYYMMDD_AWAY_HOME` only share the teams. */
const pairKey = (a: string, b: string): string => [a.toUpperCase(), b.toUpperCase()].sort().join('-');

/**
 * The minimum rows are for a full slate (`fullSlateGames`); a smaller slate needs proportionally fewer
 * (two team rows per game cannot reach 30 on an 11-game night), never fewer than one row.
 */
export function requiredRows(minimum: number, gamesScheduled: number, fullSlateGames: number): number {
  if (minimum === 0) return 0;
  const share = Math.min(1, gamesScheduled / fullSlateGames);
  return Math.max(1, Math.ceil(minimum * share));
}

/** The minimum-rows tables that the mode's phase-3 processors write (all of them for overnight). */
export function minRowsForMode(config: WarehouseDeps['config'], mode: PipelineMode): Record<string, number> {
  const expected = new Set(
    config.processors[3]
      .filter((p) => config.lifecycle[mode].phase3.expected.includes(p.name))
      .map((p) => p.outputTable),
  );
  return Object.fromEntries(Object.entries(config.warehouse.gates.minRows).filter(([table]) => expected.has(table)));
}

export async function phase3RowChecks(
  deps: WarehouseDeps,
  gameDate: string,
  mode: PipelineMode = 'overnight',
): Promise<GateCheckResult[]> {
  const { fullSlateGames } = deps.config.warehouse.gates;
  const minRows = minRowsForMode(deps.config, mode);
  const [counts, games] = await Promise.all([
    rowCounts(deps, Object.keys(minRows), gameDate),
    scheduledGames(deps, gameDate),
  ]);
  return Object.entries(minRows).map(([table, minimum]) => {
    const observed = counts[table] ?? 0;
    const required = requiredRows(minimum, games.length, fullSlateGames);
    const slate = required < minimum ? `, ${minimum} scaled to a ${games.length}-game slate` : '';
    return {
      check: `min_rows:${table}`,
      passed: observed >= required,
      observed,
      required,
      reason: `${table} has ${observed} rows for ${gameDate} (need >= ${required}${slate})`,
    };
  });
}

export async function scheduleCoverageCheck(deps: WarehouseDeps, gameDate: string): Promise<GateCheckResult> {
  const required = deps.config.warehouse.gates.minScheduleCoveragePct;
  const [games, ids] = await Promise.all([scheduledGames(deps, gameDate), analyticsGameIds(deps, gameDate)]);
  const covered = new Set(
    ids
      .map((id) => id.split('_'))
      .filter((parts) => parts.length >= 3)
      .map((parts) => pairKey(parts[1], parts[2])),
  );
  if (games.length === 0) {
    return {
      check: 'schedule_coverage',
      passed: true,
      observed: 100,
      required,
      reason: `no games scheduled for ${gameDate}: nothing to cover`,
    };
  }
  const missing = games.filter((g) => !covered.has(pairKey(g.away_team_tricode, g.home_team_tricode)));
  const done = games.length - missing.length;
  const observed = pct(done, games.length);
  const shown = missing.map((g) => `${g.away_team_tricode}@${g.home_team_tricode}`).slice(0, 8);
  return {
    check: 'schedule_coverage',
    passed: (done / games.length) * 100 >= required,
    observed,
    required,
    reason:
      `analytics covers ${done}/${games.length} scheduled games by team pair (${observed}%, need >= ${required}%)` +
      (missing.length ? `; missing ${shown.join(', ')}${missing.length > shown.length ? ', ...' : ''}` : ''),
  };
}

export async function phase4TableChecks(deps: WarehouseDeps, gameDate: string): Promise<GateCheckResult[]> {
  const { minPhase4Tables, requiredPhase4Tables } = deps.config.warehouse.gates;
  const tables = deps.config.processors[4].map((p) => p.outputTable);
  const counts = await rowCounts(deps, tables, gameDate);
  const withRows = tables.filter((t) => (counts[t] ?? 0) > 0);
  const empty = tables.filter((t) => !withRows.includes(t));
  const checks: GateCheckResult[] = [
    {
      check: 'phase4_tables',
      passed: withRows.length >= minPhase4Tables,
      observed: withRows.length,
      required: minPhase4Tables,
      reason:
        `${withRows.length}/${tables.length} phase-4 tables have rows for ${gameDate} (need >= ${minPhase4Tables})` +
        (empty.length ? `; empty: ${empty.join(', ')}` : ''),
    },
  ];
  for (const table of requiredPhase4Tables) {
    const observed = counts[table] ?? 0;
    checks.push({
      check: `phase4_required:${table}`,
      passed: observed > 0,
      observed,
      required: 1,
      reason: `${table} has ${observed} rows for ${gameDate} (required to have rows)`,
    });
  }
  return checks;
}

export async function cleanFeatureCheck(deps: WarehouseDeps, gameDate: string): Promise<GateCheckResult> {
  return cleanFeatureResult(
    await featureRowStats(deps, gameDate),
    deps.config.warehouse.gates.minCleanFeaturePct,
    gameDate,
  );
}

/** The day's players are the larger of the context's and the feature store's; none at all fails. */
export function cleanFeatureResult(stats: FeatureRowStats, required: number, gameDate: string): GateCheckResult {
  const players = Math.max(stats.contextPlayers, stats.featurePlayers);
  const observed = pct(stats.cleanPlayers, players);
  return {
    check: 'clean_features',
    // The unrounded share: 59.95% shows as 60 but is short of 60.
    passed: players > 0 && (stats.cleanPlayers / players) * 100 >= required,
    observed,
    required,
    reason: `clean feature rows for ${stats.cleanPlayers}/${players} players on ${gameDate} (${observed}%, need >= ${required}%)`,
  };
}

export async function predictionsCheck(deps: WarehouseDeps, gameDate: string): Promise<GateCheckResult> {
  const required = deps.config.predictions.minActivePredictions;
  const active = await activePredictionCount(deps, gameDate);
  // The feature quality only annotates the reason: its query failing must not block predictions that are there.
  const quality = await averageFeatureQuality(deps, gameDate).then(
    (avg) => (avg === null ? 'no feature rows' : `avg feature quality ${avg}`),
    (err: unknown) => `feature quality unknown (${err instanceof Error ? err.message : String(err)})`,
  );
  return {
    check: 'predictions',
    passed: active >= required,
    observed: active,
    required,
    reason: `${active} active predictions for ${gameDate} (need >= ${required}); ${quality}`,
  };
}

export async function evaluateGate(deps: WarehouseDeps, request: DataGateRequest): Promise<DataGateResult> {
  const { config } = deps;
  const recheckAfterMs = Math.max(1, Math.round(config.warehouse.gates.recheckMinutes * 60_000 * config.timeScale));
  const { gameDate, phase } = request;
  const base = { gameDate, phase, recheckAfterMs };
  let checks: GateCheckResult[];
  switch (phase) {
    case 4: {
      const mode = request.mode ?? 'overnight';
      checks = await phase3RowChecks(deps, gameDate, mode);
      // Coverage of the schedule by analytics rows only exists once the games were played.
      if (mode === 'overnight') checks.push(await scheduleCoverageCheck(deps, gameDate));
      break;
    }
    case 5:
      checks = [...(await phase4TableChecks(deps, gameDate)), await cleanFeatureCheck(deps, gameDate)];
      break;
    case 6:
      checks = [await predictionsCheck(deps, gameDate)];
      break;
    default:
      return { ...base, enabled: false, passed: true, checks: [] };
  }
  return { ...base, enabled: true, passed: checks.every((c) => c.passed), checks };
}
