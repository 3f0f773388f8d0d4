import type { Scenario } from './scenario';

/**
 * Named scenarios for `--scenario NAME`; each is validated against the config at start. Every scenario carries the
 * platform's real background traffic (untracked processors, messages without a name, "None" dates, a scheduled
 * phase-4 run that publishes) unless it says `noise` off.
 */
export const SCENARIOS: Record<string, Scenario> = {
  happy: {
    name: 'happy',
    description: 'The platform as it runs on a good day, background traffic included.',
  },
  quiet: {
    name: 'quiet',
    description: 'A good day without the background traffic (only the messages Gameday uses).',
    noise: { untracked: false, unnamed: false, noneDates: false, scheduledPhase4: false },
  },
  incident: {
    name: 'incident',
    description:
      'The 2025-12-29 incident: upcoming_team_game_context never completes. The legacy counter waited for 5/5; Gameday triggers with 4/5 after 30 minutes.',
    processors: { upcoming_team_game_context: { behaviour: 'never' } },
  },
  flaky: {
    name: 'flaky',
    description:
      'Transient trouble: 500s on first calls, a failed phase-4 result, 503 DATA_INCOMPLETE twice, failed-then-success messages, every message delivered three times and out of order.',
    processors: {
      player_game_summary: { http500Times: 1 },
      team_defense_game_summary: { behaviour: 'failed-then-success' },
      player_daily_cache: { resultFailedTimes: 1 },
      ml_feature_store: { http500Times: 2 },
    },
    coordinator: { start503Times: 2 },
    export: { http500Times: 1 },
    publish: { duplicateDelivery: 3, outOfOrder: true },
  },
  'already-running': {
    name: 'already-running',
    description: 'The first /start finds a batch already running (409); that batch then completes.',
    coordinator: { alreadyRunning: true },
  },
  'low-coverage': {
    name: 'low-coverage',
    description: 'Every prediction batch ends at 70%, below the 80% bar.',
    coordinator: { completionPct: 70 },
  },
  'no-players': {
    name: 'no-players',
    description: 'The coordinator finds no players: /start answers 404.',
    coordinator: { start404: true },
  },
  'stalled-batches': {
    name: 'stalled-batches',
    description: 'Prediction batches stop at 40% and never complete.',
    coordinator: { stall: true },
  },
  'forgetful-coordinator': {
    name: 'forgetful-coordinator',
    description: 'The coordinator restarts and forgets its batches: /status answers 404 not_found after a few calls.',
    coordinator: { forgetAfterStatusCalls: 3 },
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
  'silent-403': {
    name: 'silent-403',
    description: 'Failure mode 9: a redeploy stripped invoker rights; phase 4 answers 403 to its first 8 calls.',
    processors: { team_defense_zone_analysis: { http403Times: 8 } },
  },
};
