import type { Scenario } from './scenario';

/** Named scenarios for `--scenario NAME`; each is validated against the config at start. */
export const SCENARIOS: Record<string, Scenario> = {
  happy: {
    name: 'happy',
    description: 'Every processor completes within a second; predictions reach 100%.',
    coordinator: { batchDurationMs: 3000, completionPct: 100 },
  },
  incident: {
    name: 'incident',
    description: 'The 2025-12-29 incident: upcoming_team_game_context never completes; everything else is fine.',
    processors: { upcoming_team_game_context: { behaviour: 'never' } },
  },
  flaky: {
    name: 'flaky',
    description:
      'Transient trouble everywhere: 500s on first calls, a failed phase-4 result, 503 DATA_INCOMPLETE twice, Async class names and duplicate deliveries.',
    processors: {
      player_game_summary: { http500Times: 1, asyncClassName: true },
      team_offense_game_summary: { asyncClassName: true },
      player_daily_cache: { resultFailedTimes: 1 },
      ml_feature_store: { http500Times: 2 },
    },
    coordinator: { start503Times: 2 },
    export: { http500Times: 1 },
    publish: { duplicateDelivery: true },
  },
  'already-running': {
    name: 'already-running',
    description: 'The first /start finds a batch already running (409); that batch then completes.',
    coordinator: { alreadyRunning: true, batchDurationMs: 4000 },
  },
  'low-coverage': {
    name: 'low-coverage',
    description: 'The prediction batch ends at 70% (status partial), below the 80% bar.',
    coordinator: { completionPct: 70 },
  },
  'no-players': {
    name: 'no-players',
    description: 'The coordinator finds no players: /start answers 404.',
    coordinator: { start404: true },
  },
  'failed-analytics': {
    name: 'failed-analytics',
    description: 'player_game_summary publishes status failed; team_defense_game_summary finds no data.',
    processors: {
      player_game_summary: { behaviour: 'failed', errorMessage: 'BigQuery load job failed: quota exceeded' },
      team_defense_game_summary: { behaviour: 'no_data' },
    },
  },
  'silent-reruns': {
    name: 'silent-reruns',
    description: 'Failure mode 7: a re-run of a processor that already completed a date publishes nothing.',
    dedupeReruns: true,
  },
};
