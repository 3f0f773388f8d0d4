/**
 * The 2 PM deadline counts predictions as PLATFORM.md does: a batch at the completion bar and, with the warehouse on,
 * at least `minActivePredictions` active rows in the predictions table (the phase-6 gate). Rows that are late are
 * checked again on the gate's timer until the deadline; rows that never come raise PREDICTIONS_MISSING with the count.
 */
import type { DataGateRequest, DataGateResult } from '../../activities';
import type { GamedayConfig } from '../../config/schema';
import type { DayState } from '../../contracts/state';
import { dayTimeInstant } from '../../domain/day-times';
import { formatTimeET } from '../../domain/dates';
import {
  dayConfig,
  dayState,
  dayWorker,
  deliver,
  settle,
  skipTo,
  startDay,
  useTimeSkippingDays,
} from '../helpers/day-harness';
import { fakePlatform, type FakePlatform } from '../helpers/fake-platform';
import { completion } from '../helpers/messages';

const days = useTimeSkippingDays();
type DayHandle = Awaited<ReturnType<typeof startDay>>;

/** A warehouse whose predictions table has `rows.active` active rows for the date; every other gate passes. */
function predictionsTable(rows: { active: number }) {
  return async (request: DataGateRequest): Promise<DataGateResult> => {
    const passed = request.phase !== 6 || rows.active >= 10;
    const check = {
      check: 'predictions',
      passed,
      observed: request.phase === 6 ? rows.active : 1,
      required: 10,
      reason: `${rows.active} active predictions for ${request.gameDate} (need >= 10)`,
    };
    return { ...request, enabled: true, passed, checks: [check], recheckAfterMs: 5 * 60_000 };
  };
}

/** A same_day cycle whose phase 3 is in at 05:10: predictions at 08:00 (FIRST), the deadline at 14:00. */
async function sameDay(
  gameDate: string,
  rows: { active: number } | undefined,
  drive: (handle: DayHandle, config: GamedayConfig) => Promise<void>,
): Promise<FakePlatform> {
  const config = await dayConfig(days.env, gameDate, 'D 04:30');
  const overrides = rows ? { checkDataGate: predictionsTable(rows) } : {};
  const platform = fakePlatform({ config, client: days.env.client, overrides });
  const { worker, taskQueue } = await dayWorker(days.env, platform.activities);
  await worker.runUntil(async () => {
    const handle = await startDay(days.env, taskQueue, { gameDate, cycle: 'same_day' });
    const at = dayTimeInstant(gameDate, 'D 05:10', config.timeZone);
    await deliver(days.env, handle, [completion(config, 3, 'upcoming_player_game_context', gameDate, at)]);
    await drive(handle, config);
    await settle(days.env, handle);
  });
  return platform;
}

const deadlineOf = (state: DayState) => state.cycles.same_day.steps.find((s) => s.kind === 'predictions-deadline')!;

test('a batch at 100% but no active rows by 14:00: checked again every 5 min, PREDICTIONS_MISSING with the count', async () => {
  const gameDate = '2026-02-10';
  let state: DayState | undefined;
  const platform = await sameDay(gameDate, { active: 0 }, async (handle, config) => {
    await skipTo(days.env, handle, config, gameDate, 'D 09:00');
    const waiting = deadlineOf(await dayState(days.env, handle));
    expect([waiting.status, waiting.gate?.status]).toEqual(['BLOCKED', 'BLOCKED']);
    await skipTo(days.env, handle, config, gameDate, 'D 14:05');
    state = await dayState(days.env, handle);
  });
  const deadline = deadlineOf(state!);
  expect(state!.predictions).toMatchObject({ ready: true, completionPct: 100 });
  expect([deadline.status, deadline.outcome]).toEqual([
    'FAILED',
    `batch batch-1 reached 100% but 0 active predictions for ${gameDate} (need >= 10) at the deadline`,
  ]);
  const missing = platform.alerts.filter((a) => a.kind === 'PREDICTIONS_MISSING');
  expect(missing.map((a) => a.message)).toEqual([
    `${gameDate} (7 games): batch batch-1 reached 100% but 0 active predictions for ${gameDate} (need >= 10) at the 14:00 deadline`,
  ]);
  expect(missing[0].fixCommand).toContain('--phase 5');
  const checks = platform.of('checkDataGate').filter((c) => (c.args[0] as DataGateRequest).phase === 6);
  expect(checks.length).toBeGreaterThan(60);
  expect(platform.alerts.filter((a) => a.kind === 'GATE_FAILED' && a.phase === 5)).toHaveLength(1);
}, 180_000);

test('rows that land after the batch completes: the deadline is met at the next check, with the count', async () => {
  const gameDate = '2026-02-11';
  const rows = { active: 0 };
  let state: DayState | undefined;
  const platform = await sameDay(gameDate, rows, async (handle, config) => {
    await skipTo(days.env, handle, config, gameDate, 'D 08:07');
    rows.active = 120;
    await skipTo(days.env, handle, config, gameDate, 'D 08:40');
    state = await dayState(days.env, handle);
  });
  const deadline = deadlineOf(state!);
  expect(deadline.status).toBe('DONE');
  expect(deadline.outcome).toMatch(/^predictions ready since 8:0\d AM ET \(batch batch-1, 120 active rows\)$/);
  expect(formatTimeET(deadline.finishedAt!)).toMatch(/^8:1\d AM ET$/);
  expect(state!.predictions.activeRows).toBe(120);
  expect(platform.alerts.filter((a) => a.kind === 'PREDICTIONS_MISSING' || a.kind === 'GATE_FAILED')).toEqual([]);
}, 120_000);

test('with the warehouse off, the batch at the bar is all there is: the deadline is met when it completes', async () => {
  const gameDate = '2026-02-12';
  let state: DayState | undefined;
  await sameDay(gameDate, undefined, async (handle, config) => {
    await skipTo(days.env, handle, config, gameDate, 'D 08:30');
    state = await dayState(days.env, handle);
  });
  const deadline = deadlineOf(state!);
  expect([deadline.status, deadline.outcome]).toEqual(['DONE', expect.stringMatching(/\(batch batch-1\)$/)]);
  expect([deadline.gate, state!.predictions.activeRows]).toEqual([undefined, undefined]);
}, 120_000);
