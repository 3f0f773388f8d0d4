import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTimeSkippingEnv } from '../helpers/tools';
import { fakePlatform } from '../helpers/fake-activities';
import {
  updateRefusal,
  analyticsCompletions,
  pipelineWorker,
  queryState,
  signalAll,
  startPipeline,
  upstreamCompletions,
} from '../helpers/pipeline-harness';

const DATE = '2025-12-29';
const ALL = [
  'player_game_summary',
  'team_defense_game_summary',
  'team_offense_game_summary',
  'upcoming_player_game_context',
  'upcoming_team_game_context',
];

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

test('all five analytics processors complete -> phase 4 is triggered at once', async () => {
  const fake = fakePlatform();
  const { worker, taskQueue } = await pipelineWorker(env, fake.activities);
  await worker.runUntil(async () => {
    const handle = await startPipeline(env, taskQueue, { gameDate: DATE });
    await signalAll(handle, upstreamCompletions(fake.config, DATE));
    await signalAll(handle, analyticsCompletions(fake.config, DATE, ALL));
    const result = await handle.result();
    expect(result.status).toBe('COMPLETE');
    expect(result.mode).toBe('overnight');
    expect(result.phases[4].triggerReason).toBe('all 5 expected processors complete');
    expect(result.phases[3].degraded).toBeUndefined();
    const waited = Date.parse(result.phases[4].triggeredAt!) - Date.parse(result.phases[3].completedAt!);
    expect(waited).toBeLessThan(60_000);
  });
  const precompute = fake.calls
    .filter((c) => c.name === 'runPrecomputeProcessor')
    .map((c) => (c.args[0] as { className: string }).className);
  expect(precompute).toEqual(fake.config.processors[4].map((p) => p.className));
  expect(fake.calls.filter((c) => c.name === 'publishExportTrigger')).toHaveLength(1);
});

test('3 of 5 with the critical ones -> partial trigger at 30 minutes, not before', async () => {
  const fake = fakePlatform();
  const { worker, taskQueue } = await pipelineWorker(env, fake.activities);
  await worker.runUntil(async () => {
    const handle = await startPipeline(env, taskQueue, { gameDate: DATE });
    await signalAll(handle, upstreamCompletions(fake.config, DATE));
    await signalAll(
      handle,
      analyticsCompletions(fake.config, DATE, [
        'player_game_summary',
        'upcoming_player_game_context',
        'team_defense_game_summary',
      ]),
    );
    await env.sleep('29 minutes');
    const before = await queryState(handle);
    expect(before.phases[3].status).toBe('WAITING');
    expect(before.phases[4].triggeredAt).toBeUndefined();
    expect(fake.calls.some((c) => c.name === 'runPrecomputeProcessor')).toBe(false);
    expect(before.phases[3].partialTriggerAt).toBeDefined();

    await env.sleep('2 minutes');
    const result = await handle.result();
    expect(result.status).toBe('COMPLETE');
    expect(result.phases[3].degraded).toBe(true);
    expect(result.phases[4].triggerReason).toMatch(/partial trigger: 3\/5 complete 30 min after the first completion/);
    expect(result.phases[4].missingProcessors).toEqual(['team_offense_game_summary', 'upcoming_team_game_context']);
    const firstCompletion = Date.parse(result.phases[3].partialTriggerAt!) - 30 * 60_000;
    const triggeredAfter = Date.parse(result.phases[4].triggeredAt!) - firstCompletion;
    expect(triggeredAfter).toBeGreaterThanOrEqual(30 * 60_000);
    expect(triggeredAfter).toBeLessThan(32 * 60_000);
  });
  const precomputeCall = fake.calls.find((c) => c.name === 'runPrecomputeProcessor');
  expect(precomputeCall?.args[0]).toMatchObject({ skipDependencyCheck: true });
});

test('2 of 5 -> STUCK with one alert; forcePhase moves it on', async () => {
  const fake = fakePlatform();
  const { worker, taskQueue } = await pipelineWorker(env, fake.activities);
  const { forcePhaseUpdate } = await import('../../workflows/definitions');
  await worker.runUntil(async () => {
    const handle = await startPipeline(env, taskQueue, { gameDate: DATE });
    await signalAll(handle, upstreamCompletions(fake.config, DATE));
    await signalAll(
      handle,
      analyticsCompletions(fake.config, DATE, ['player_game_summary', 'team_defense_game_summary']),
    );
    await env.sleep('31 minutes');
    const stuck = await queryState(handle);
    expect(stuck.status).toBe('STUCK');
    expect(stuck.phases[3].status).toBe('STUCK');
    expect(stuck.phases[3].error).toMatch(/missing critical upcoming_player_game_context/);
    expect(stuck.phases[4].triggeredAt).toBeUndefined();
    await env.sleep('2 hours');
    expect(fake.alerts.filter((a) => a.kind === 'PHASE_STUCK')).toHaveLength(1);
    expect(fake.alerts[0].fixCommand).toBe(`gameday force ${DATE} --phase 4 --reason "stuck"`);

    expect(
      await updateRefusal(handle.executeUpdate(forcePhaseUpdate, { args: [{ phase: 2, reason: 'nope' }] })),
    ).toMatch(/already COMPLETE/);
    expect(await updateRefusal(handle.executeUpdate(forcePhaseUpdate, { args: [{ phase: 4, reason: ' ' }] }))).toMatch(
      /reason is required/,
    );
    expect(
      await updateRefusal(handle.executeUpdate(forcePhaseUpdate, { args: [{ phase: 9 as never, reason: 'x' }] })),
    ).toMatch(/unknown phase/);

    const afterForce = await handle.executeUpdate(forcePhaseUpdate, {
      args: [{ phase: 4, reason: 'incident 2025-12-29', user: 'oncall' }],
    });
    expect(afterForce.operatorActions).toEqual([
      expect.objectContaining({ phase: 4, reason: 'incident 2025-12-29', user: 'oncall' }),
    ]);
    const result = await handle.result();
    expect(result.status).toBe('COMPLETE');
    expect(result.phases[3].degraded).toBe(true);
    expect(result.phases[4].triggerReason).toBe('forced by oncall: incident 2025-12-29');
    expect(result.phases[3].missingProcessors).toEqual([
      'team_offense_game_summary',
      'upcoming_player_game_context',
      'upcoming_team_game_context',
    ]);
  });
  expect(fake.alerts.map((a) => a.kind)).toEqual(['PHASE_STUCK', 'PHASE_FORCED']);
});
