import { loadConfig } from '../../config/load';
import { startLocalPlatform, type LocalPlatform, type Scenario } from '../../local-platform';
import { startPushReceiver, type PushReceiver } from '../../local-platform/testing/push-receiver';

const config = loadConfig({});
const FAST: Scenario = {
  name: 'fast',
  defaultDelayMs: 5,
  coordinator: { batchDurationMs: 150 },
  gamesByDate: { '2025-12-25': 0 },
};

let receiver: PushReceiver;
let platform: LocalPlatform;

beforeAll(async () => {
  receiver = await startPushReceiver();
  platform = await startLocalPlatform({ config, scenario: FAST, publishUrl: receiver.url, port: 0 });
});
afterAll(async () => {
  await platform.close();
  await receiver.close();
});
beforeEach(() => platform.setScenario(FAST));

async function start(body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${platform.url}/coordinator/start`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: (await res.json()) as any, headers: res.headers };
}
async function status(batchId?: string) {
  const res = await fetch(
    `${platform.url}/coordinator/status${batchId ? `?batch_id=${encodeURIComponent(batchId)}` : ''}`,
  );
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: (await res.json()) as any };
}
const phase5 = (date: string) =>
  receiver.acked().filter((m) => m.phase === 'phase_5_predictions' && m.game_date === date);

describe('prediction coordinator', () => {
  it('202 started; the batch progresses, completes and publishes the phase-5 completion', async () => {
    platform.setScenario({ ...FAST, coordinator: { batchDurationMs: 1500 } });
    const res = await start({
      game_date: '2025-12-29',
      correlation_id: 'c-5',
      force: false,
      prediction_run_mode: 'standard',
      skip_completeness_check: false,
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'started', game_date: '2025-12-29', total_requests: 11 * 26 });
    expect(res.body.batch_id).toMatch(/^batch_2025-12-29_\d+/);

    const running = await status(res.body.batch_id);
    expect(running.status).toBe(200);
    expect(running.body).toMatchObject({ status: 'in_progress', batch_id: res.body.batch_id, expected_players: 286 });
    expect(running.body.completed_players).toBeLessThan(286);

    const [message] = await receiver
      .waitFor(() => phase5('2025-12-29').length === 1, 10_000)
      .then(() => phase5('2025-12-29'));
    expect(message).toMatchObject({
      processor_name: 'PredictionCoordinator',
      phase: 'phase_5_predictions',
      correlation_id: 'c-5',
      status: 'success',
      output_table: 'player_prop_predictions',
      output_dataset: 'nba_predictions',
      record_count: 286,
      metadata: { batch_id: res.body.batch_id, completion_pct: 100, expected_players: 286, completed_players: 286 },
    });
    const done = await status(res.body.batch_id);
    expect(done.body).toMatchObject({ status: 'complete', completed_players: 286, completion_pct: 100 });

    // A finished batch exists for the date: 409 already_exists unless force.
    const again = await start({ game_date: '2025-12-29' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ status: 'already_exists', batch_id: res.body.batch_id });
    const forced = await start({ game_date: '2025-12-29', force: true });
    expect(forced.status).toBe(202);
    expect(forced.body.batch_id).not.toBe(res.body.batch_id);
  });

  it('409 already_running while a batch for the date runs, unless force', async () => {
    platform.setScenario({ ...FAST, coordinator: { batchDurationMs: 60_000 } });
    const first = await start({ game_date: '2025-11-20' });
    expect(first.status).toBe(202);
    const second = await start({ game_date: '2025-11-20' });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ status: 'already_running', batch_id: first.body.batch_id });
    const forced = await start({ game_date: '2025-11-20', force: true });
    expect(forced.status).toBe(202);
    // the replaced batch is gone, as in the real coordinator
    expect((await status(first.body.batch_id)).status).toBe(404);
    expect((await status()).body).toMatchObject({ status: 'in_progress', batch_id: forced.body.batch_id });
  });

  it('a repeated Idempotency-Key replays the 202 instead of answering 409', async () => {
    platform.setScenario({ ...FAST, coordinator: { batchDurationMs: 60_000 } });
    const body = { game_date: '2025-11-21', correlation_id: 'idem' };
    const first = await start(body, { 'Idempotency-Key': 'p5-2025-11-21' });
    const replay = await start(body, { 'Idempotency-Key': 'p5-2025-11-21' });
    expect(first.status).toBe(202);
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });

  it('200 no_games_scheduled for a date without games', async () => {
    const res = await start({ game_date: '2025-12-25' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('no_games_scheduled');
  });

  it('503 DATA_INCOMPLETE for the first N calls (not cached), unless skip_completeness_check', async () => {
    platform.setScenario({ ...FAST, coordinator: { start503Times: 2, batchDurationMs: 60_000 } });
    const key = { 'Idempotency-Key': 'p5-503' };
    const a = await start({ game_date: '2025-11-22' }, key);
    expect(a.status).toBe(503);
    expect(a.body.error).toBe('DATA_INCOMPLETE');
    expect((await start({ game_date: '2025-11-22' }, key)).status).toBe(503);
    expect((await start({ game_date: '2025-11-22' }, key)).status).toBe(202);

    platform.setScenario({ ...FAST, coordinator: { start503Times: 5, batchDurationMs: 60_000 } });
    expect((await start({ game_date: '2025-11-23', skip_completeness_check: true })).status).toBe(202);
  });

  it('404 when the scenario has no players', async () => {
    platform.setScenario({ ...FAST, coordinator: { start404: 1 } });
    const res = await start({ game_date: '2025-11-24' });
    expect(res.status).toBe(404);
    expect(res.body.message).toContain('No players');
    expect((await start({ game_date: '2025-11-24' })).status).toBe(202);
  });

  it('alreadyRunning: the first start answers 409 with an existing batch, which then completes', async () => {
    platform.setScenario({ ...FAST, coordinator: { alreadyRunning: true, batchDurationMs: 100 } });
    const res = await start({ game_date: '2025-11-25', correlation_id: 'mine' });
    expect(res.status).toBe(409);
    expect(res.body.status).toBe('already_running');
    await receiver.waitFor(() => phase5('2025-11-25').length === 1);
    const [message] = phase5('2025-11-25');
    expect(message.metadata).toMatchObject({ batch_id: res.body.batch_id, completion_pct: 100 });
    expect(message.correlation_id).not.toBe('mine');
    expect((await status(res.body.batch_id)).body.status).toBe('complete');
  });

  it('completionPct below 100 publishes partial with that completion_pct', async () => {
    platform.setScenario({ ...FAST, coordinator: { completionPct: 70, batchDurationMs: 50 } });
    await start({ game_date: '2025-11-26' });
    await receiver.waitFor(() => phase5('2025-11-26').length === 1);
    expect(phase5('2025-11-26')[0]).toMatchObject({ status: 'partial', metadata: { completion_pct: 70 } });
  });

  it('status: not_found for an unknown batch, no_active_batch when idle', async () => {
    const missing = await status('batch_1999-01-01_1');
    expect(missing.status).toBe(404);
    expect(missing.body.status).toBe('not_found');
    const idle = await startLocalPlatform({ config, scenario: FAST, publishUrl: receiver.url, port: 0 });
    try {
      const res = await fetch(`${idle.url}/coordinator/status`);
      expect(await res.json()).toMatchObject({ status: 'no_active_batch' });
    } finally {
      await idle.close();
    }
  });

  it('400 for a malformed game_date', async () => {
    const res = await start({ game_date: '12/29/2025' });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('game_date');
  });
});
