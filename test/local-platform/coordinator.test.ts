/**
 * The prediction coordinator (`POST {coordinatorUrl}/start`, `GET {coordinatorUrl}/status`) with predict-once
 * waves: each wave's batch is only the players its run mode makes newly eligible (nobody is predicted twice), a batch
 * with nobody to predict answers `published: 0` and publishes nothing, and a finished batch publishes one `success`
 * summary (twice: the late completion event) with the batch id as execution_id.
 */
import { loadConfig } from '../../config/load';
import {
  startLocalPlatform,
  type LocalPlatform,
  type PublishEvent,
  type RunEvent,
  type Scenario,
} from '../../local-platform';
import { useLocalPlatform } from '../helpers/local-platform';

const config = loadConfig({});
/** 10 players per game; each date below has 2 games (20 players) unless it says otherwise. */
const FAST: Scenario = {
  name: 'fast',
  coordinator: { playersPerGame: 10, msPerPlayer: 5 },
  gamesByDate: {
    '2025-12-25': 0,
    ...Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`2026-02-${String(i + 1).padStart(2, '0')}`, 2])),
  },
};
const SLOW = { playersPerGame: 10, msPerPlayer: 1_000_000 }; // a 30-minute batch: still running during the test

const local = useLocalPlatform({ config, scenario: FAST });
beforeEach(() => local.platform.setScenario(FAST));

async function start(body: unknown, headers: Record<string, string> = {}, target: LocalPlatform = local.platform) {
  const res = await fetch(`${target.url}/coordinator/start`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: (await res.json()) as any, headers: res.headers };
}
async function status(batchId?: string, target: LocalPlatform = local.platform) {
  const res = await fetch(
    `${target.url}/coordinator/status${batchId ? `?batch_id=${encodeURIComponent(batchId)}` : ''}`,
  );
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: (await res.json()) as any };
}
const phase5 = (date: string) =>
  local.receiver.acked().filter((m) => m.phase === 'phase_5_predictions' && m.game_date === date);
const published5 = (date: string) =>
  local.platform
    .events()
    .filter(
      (e): e is PublishEvent => e.type === 'publish' && e.topic === config.topics[5] && e.message.game_date === date,
    );
const waitForPhase5 = (date: string, count: number) =>
  local.receiver.waitFor(() => phase5(date).length >= count, 10_000);

describe('prediction coordinator: predict-once waves', () => {
  it('each wave predicts only the newly eligible players; a wave with nobody new answers published 0', async () => {
    const date = '2026-02-01';
    const first = await start({
      game_date: date,
      correlation_id: 'wave-1',
      force: true,
      prediction_run_mode: 'FIRST',
      trigger_source: 'gameday',
    });
    expect(first.status).toBe(202);
    expect(first.body).toEqual({
      status: 'started',
      batch_id: expect.stringMatching(new RegExp(`^batch_${date}_\\d+$`)),
      game_date: date,
      total_requests: 15,
      published: 15,
      summary: { players_total: 20, already_predicted: 0, run_mode: 'FIRST' },
      monitor_url: `/status?batch_id=${first.body.batch_id}`,
    });

    // The finished batch publishes its summary, and again for the late completion event: same execution_id.
    await waitForPhase5(date, 2);
    const [summary, again] = phase5(date);
    expect(again).toEqual(summary);
    expect(summary).toMatchObject({
      processor_name: 'PredictionCoordinator',
      phase: 'phase_5_predictions',
      execution_id: first.body.batch_id,
      correlation_id: 'wave-1',
      game_date: date,
      output_table: 'player_prop_predictions',
      output_dataset: 'nba_predictions',
      status: 'success',
      record_count: 15,
      trigger_source: 'automatic',
      metadata: {
        batch_id: first.body.batch_id,
        expected_players: 15,
        completed_players: 15,
        completed_predictions: 15,
        total_predictions: 120,
        completion_pct: 100,
      },
    });
    const [event] = published5(date);
    expect(event.data).toContain('"completion_pct": 100.0}}');
    // The instance's own batch comes from its in-memory tracker (coordinator.py get_batch_status, case 1).
    expect((await status(first.body.batch_id)).body).toMatchObject({
      status: 'complete',
      batch_id: first.body.batch_id,
      progress: { expected: 15, completed: 15, failed: 0, remaining: 0, is_complete: true, progress_percentage: 100 },
      is_stalled: false,
      summary: { expected: 15, completed: 15 },
    });

    // RETRY makes 85% eligible: 17, of whom 15 have a prediction
    const second = await start({ game_date: date, prediction_run_mode: 'RETRY', force: true });
    expect(second.status).toBe(202);
    expect(second.body).toMatchObject({
      total_requests: 2,
      published: 2,
      summary: { players_total: 20, already_predicted: 15, run_mode: 'RETRY' },
    });
    expect(second.body.batch_id).not.toBe(first.body.batch_id);
    await waitForPhase5(date, 4);
    expect(phase5(date)[2]).toMatchObject({ execution_id: second.body.batch_id, record_count: 2 });
    // A batch the instance no longer holds comes from Firestore, flat (case 2).
    expect((await status(first.body.batch_id)).body).toEqual({
      status: 'complete',
      batch_id: first.body.batch_id,
      game_date: date,
      expected_players: 15,
      completed_players: 15,
      completion_pct: 100,
      source: 'firestore',
    });

    const last = await start({ game_date: date, prediction_run_mode: 'LAST_CALL', force: true });
    expect(last.body).toMatchObject({ total_requests: 3, summary: { already_predicted: 17, run_mode: 'LAST_CALL' } });
    await waitForPhase5(date, 6);

    // everybody has a prediction: the batch is complete at once and publishes nothing
    const nobody = await start({ game_date: date, prediction_run_mode: 'LAST_CALL', force: true });
    expect(nobody.status).toBe(202);
    expect(nobody.body).toMatchObject({ total_requests: 0, published: 0, summary: { already_predicted: 20 } });
    expect((await status(nobody.body.batch_id)).body).toMatchObject({ status: 'complete', progress: { expected: 0 } });
    await local.platform.deliveriesSettled();
    await new Promise((r) => setTimeout(r, 100));
    expect(published5(date)).toHaveLength(6);
    expect(new Set(published5(date).map((e) => e.message.execution_id))).toEqual(
      new Set([first.body.batch_id, second.body.batch_id, last.body.batch_id]),
    );
    const runs = local.platform
      .events()
      .filter((e): e is RunEvent => e.type === 'run' && e.phase === 5 && e.gameDate === date);
    expect(runs.map((r) => r.cause)).toEqual(['FIRST batch', 'RETRY batch', 'LAST_CALL batch']);
  });

  it.each([
    { mode: 'PRE_GAME', runMode: 'PRE_GAME', players: 12, date: '2026-02-02' },
    { mode: 'EARLY', runMode: 'FIRST', players: 15, date: '2026-02-03' },
    { mode: undefined, runMode: 'RETRY', players: 17, date: '2026-02-04' },
    { mode: 'SAME_DAY', runMode: 'RETRY', players: 17, date: '2026-02-05' },
    { mode: 'standard', runMode: 'RETRY', players: 17, date: '2026-02-06' },
    { mode: 'final_retry', runMode: 'FINAL_RETRY', players: 19, date: '2026-02-07' },
  ])(
    'prediction_run_mode $mode runs as $runMode ($players of 20 players eligible)',
    async ({ mode, runMode, players, date }) => {
      const res = await start({ game_date: date, ...(mode ? { prediction_run_mode: mode } : {}) });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ total_requests: players, summary: { run_mode: runMode } });
    },
  );

  it('409 already_running while a batch for the date runs; force supersedes it with the same players', async () => {
    local.platform.setScenario({ ...FAST, coordinator: SLOW });
    const date = '2026-02-08';
    const first = await start({ game_date: date, prediction_run_mode: 'RETRY' });
    expect(first.status).toBe(202);
    const second = await start({ game_date: date, prediction_run_mode: 'LAST_CALL' });
    expect(second.status).toBe(409);
    expect(second.body).toEqual({
      status: 'already_running',
      batch_id: first.body.batch_id,
      progress: { expected: 17, completed: expect.any(Number), pct: expect.any(Number) },
    });
    expect(second.body.progress.completed).toBeLessThan(17);
    const forced = await start({ game_date: date, prediction_run_mode: 'RETRY', force: true });
    expect(forced.status).toBe(202);
    // nobody was predicted by the superseded batch: the forced one has the same 17
    expect(forced.body).toMatchObject({ total_requests: 17, summary: { already_predicted: 0 } });
    expect(forced.body.batch_id).not.toBe(first.body.batch_id);
    const gone = await status(first.body.batch_id);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ status: 'not_found', current_batch: forced.body.batch_id });
    expect((await status()).body).toMatchObject({ status: 'in_progress', batch_id: forced.body.batch_id });
  });

  it('a repeated Idempotency-Key replays the 202 instead of answering 409', async () => {
    local.platform.setScenario({ ...FAST, coordinator: SLOW });
    const body = { game_date: '2026-02-09', correlation_id: 'idem' };
    const first = await start(body, { 'Idempotency-Key': 'p5-2026-02-09' });
    const replay = await start(body, { 'Idempotency-Key': 'p5-2026-02-09' });
    expect(first.status).toBe(202);
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await start(body)).status).toBe(409);
  });

  it('200 no_games_scheduled for a date without games', async () => {
    const res = await start({ game_date: '2025-12-25', force: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'no_games_scheduled', game_date: '2025-12-25' });
  });

  it('503 DATA_INCOMPLETE for the first N calls (not kept for the Idempotency-Key), unless skip_completeness_check', async () => {
    local.platform.setScenario({ ...FAST, coordinator: { ...FAST.coordinator, start503Times: 2 } });
    const key = { 'Idempotency-Key': 'p5-503' };
    const a = await start({ game_date: '2026-02-10' }, key);
    expect(a.status).toBe(503);
    expect(a.body).toMatchObject({ status: 'error', error: 'DATA_INCOMPLETE', game_date: '2026-02-10' });
    expect((await start({ game_date: '2026-02-10' }, key)).status).toBe(503);
    expect((await start({ game_date: '2026-02-10' }, key)).status).toBe(202);

    local.platform.setScenario({ ...FAST, coordinator: { ...FAST.coordinator, start503Times: 5 } });
    expect((await start({ game_date: '2026-02-11', skip_completeness_check: true })).status).toBe(202);
  });

  it('404 when the scenario finds no players: for the first N calls, or always', async () => {
    local.platform.setScenario({ ...FAST, coordinator: { ...FAST.coordinator, start404: 1 } });
    const res = await start({ game_date: '2026-02-12' });
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('No players found for 2026-02-12');
    expect((await start({ game_date: '2026-02-12' })).status).toBe(202);
    local.platform.setScenario({ ...FAST, coordinator: { ...FAST.coordinator, start404: true } });
    expect((await start({ game_date: '2026-02-13' })).status).toBe(404);
    expect((await start({ game_date: '2026-02-13' })).status).toBe(404);
  });

  it('alreadyRunning: the first start answers 409 with a scheduler batch, which completes and publishes', async () => {
    local.platform.setScenario({ ...FAST, coordinator: { ...FAST.coordinator, alreadyRunning: true } });
    const res = await start({ game_date: '2026-02-14', correlation_id: 'mine', prediction_run_mode: 'FIRST' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ status: 'already_running', progress: { expected: 15 } });
    await waitForPhase5('2026-02-14', 2);
    const [message] = phase5('2026-02-14');
    expect(message).toMatchObject({ execution_id: res.body.batch_id, correlation_id: res.body.batch_id });
    expect((await status(res.body.batch_id)).body.status).toBe('complete');
    // the same wave again finds everybody of its run mode predicted
    const again = await start({ game_date: '2026-02-14', prediction_run_mode: 'FIRST' });
    expect(again.body).toMatchObject({ status: 'started', published: 0, summary: { already_predicted: 15 } });
  });

  it('a batch ending at 70% still publishes success, with its completion_pct; the rest stay eligible', async () => {
    const date = '2026-03-01';
    local.platform.setScenario({
      ...FAST,
      gamesByDate: { [date]: 2 },
      coordinator: { ...FAST.coordinator, completionPct: 70 },
    });
    const res = await start({ game_date: date, prediction_run_mode: 'LAST_CALL' });
    expect(res.body.total_requests).toBe(20);
    await waitForPhase5(date, 2);
    expect(phase5(date)[0]).toMatchObject({
      status: 'success',
      record_count: 14,
      metadata: { expected_players: 20, completed_players: 14, completion_pct: 70 },
    });
    expect(published5(date)[0].data).toContain('"completion_pct": 70.0}}');
    const next = await start({ game_date: date, prediction_run_mode: 'LAST_CALL' });
    expect(next.body).toMatchObject({ total_requests: 6, summary: { already_predicted: 14 } });
  });

  it('a stalled batch stops at 40% and never publishes', async () => {
    const date = '2026-03-02';
    local.platform.setScenario({
      ...FAST,
      gamesByDate: { [date]: 2 },
      coordinator: { ...FAST.coordinator, stall: true },
    });
    const res = await start({ game_date: date, prediction_run_mode: 'LAST_CALL' });
    expect(res.status).toBe(202);
    await new Promise((r) => setTimeout(r, 300)); // the batch would take 100 ms
    expect((await status(res.body.batch_id)).body).toMatchObject({
      status: 'in_progress',
      progress: { expected: 20, completed: 8, remaining: 12, is_complete: false, progress_percentage: 40 },
      is_stalled: true,
      summary: null,
    });
    expect(published5(date)).toEqual([]);
  });

  it('forgetAfterStatusCalls: after N status calls the coordinator has forgotten its batches (404)', async () => {
    const forgetful = await startLocalPlatform({
      config,
      scenario: { ...FAST, coordinator: { ...SLOW, forgetAfterStatusCalls: 3 } },
      publishUrl: local.receiver.url,
      port: 0,
      noDaySimulation: true,
    });
    try {
      const res = await start({ game_date: '2026-02-01' }, {}, forgetful);
      const answers: number[] = [];
      for (let i = 0; i < 5; i++) answers.push((await status(res.body.batch_id, forgetful)).status);
      expect(answers).toEqual([200, 200, 200, 404, 404]);
      expect((await status(res.body.batch_id, forgetful)).body.status).toBe('not_found');
    } finally {
      await forgetful.close();
    }
  });

  it('status: not_found for an unknown batch, no_active_batch when idle', async () => {
    const missing = await status('batch_1999-01-01_1');
    expect(missing.status).toBe(404);
    expect(missing.body.status).toBe('not_found');
    const idle = await startLocalPlatform({
      config,
      scenario: FAST,
      publishUrl: local.receiver.url,
      port: 0,
      noDaySimulation: true,
    });
    try {
      expect((await status(undefined, idle)).body).toEqual({ status: 'no_active_batch', current_batch: null });
    } finally {
      await idle.close();
    }
  });

  it.each([
    [{ game_date: '12/29/2025' }, 'game_date'],
    [{ game_date: 'YESTERDAY' }, 'TODAY, TOMORROW'],
    [{ game_date: '2026-02-01', force: 'yes' }, 'force'],
  ])('400 for %j', async (body, reason) => {
    const res = await start(body);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(reason);
  });
});
