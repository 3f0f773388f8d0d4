/**
 * A data gate blocked for hours re-checks every 5 minutes (about 12 checks an hour, several events each, for days if
 * nobody acts): with a low ceiling here, four hours of it show the history staying under the ceiling by continuing as
 * new within the cycle, the gate's count and its single alert carried over, and the step never triggering.
 */
import type { DataGateRequest, DataGateResult } from '../../activities';
import { dayConfig, dayState, dayWorker, settle, skipTo, startDay, useTimeSkippingDays } from '../helpers/day-harness';
import { fakePlatform } from '../helpers/fake-platform';

const CEILING = 120;
const days = useTimeSkippingDays();

test('a gate blocked from 17:30 to 21:30: runs of the same cycle under the history ceiling; one alert; no trigger', async () => {
  const gameDate = '2026-01-30';
  const config = await dayConfig(days.env, gameDate, 'D-1 16:55', {
    limits: { historyEvents: CEILING, messageIds: 50 },
  });
  const blocked = async (request: DataGateRequest): Promise<DataGateResult> => {
    const check = {
      check: 'min_rows:upcoming_player_game_context',
      passed: false,
      observed: 0,
      required: 50,
      reason: 'no rows',
    };
    return { ...request, enabled: true, passed: false, checks: [check], recheckAfterMs: 5 * 60_000 };
  };
  const platform = fakePlatform({ config, client: days.env.client, overrides: { checkDataGate: blocked } });
  const { worker, taskQueue } = await dayWorker(days.env, platform.activities);
  await worker.runUntil(async () => {
    const handle = await startDay(days.env, taskQueue, { gameDate });
    await skipTo(days.env, handle, config, gameDate, 'D-1 21:30');
    const state = await dayState(days.env, handle);
    expect(state.cycle).toBe('tomorrow');
    expect(state.runs).toBeGreaterThan(2);
    const step = state.cycles.tomorrow.steps.find((s) => s.kind === 'phase4')!;
    expect(step.status).toBe('BLOCKED');
    expect(step.gate?.attempts).toBeGreaterThanOrEqual(48);
    expect(step.triggeredAt).toBeUndefined();
    expect(platform.of('runPrecomputeProcessor')).toEqual([]);
    expect(state.alerts.filter((a) => a.kind === 'GATE_FAILED')).toHaveLength(1);
    const { historyLength } = await days.env.client.workflow.getHandle(handle.workflowId).describe();
    // The ceiling, plus what the run's last tasks add before its tracks are parked.
    expect(historyLength).toBeLessThan(CEILING + 60);
    await settle(days.env, handle);
  });
}, 180_000);
