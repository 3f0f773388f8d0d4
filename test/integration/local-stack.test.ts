import { startLocalStack, type LocalStack } from '../../scripts/lib/local-stack';
import { runDate } from '../../scripts/run-date';
import { startOrAttach } from '../../clients/pipeline-client';
import { SCENARIOS } from '../../local-platform';
import { pipelineStateQuery } from '../../workflows/definitions';
import { quietRuntime } from '../helpers/tools';
import { dateInZone } from '../../domain/dates';

/** A completion may start its date only near today (config bridge.startWindowDays). */
const TODAY = dateInZone(new Date());

// Jest cannot run teeny-request's dynamic import of node-fetch: see test/warehouse/teeny-request-shim.ts.
jest.mock('teeny-request', () =>
  (
    jest.requireActual('../warehouse/teeny-request-shim') as { teenyRequestWithNodeFetch(): unknown }
  ).teenyRequestWithNodeFetch(),
);

/** The whole date on the dev server: local platform -> Pub/Sub push -> bridge -> signals -> workflow -> HTTP triggers. */
let stack: LocalStack;
beforeAll(async () => {
  quietRuntime();
  stack = await startLocalStack({
    scenario: SCENARIOS.happy,
    persistent: false,
    randomPorts: true,
    env: { GAMEDAY_TIME_SCALE: String(1 / 60) },
    log: (line) => {
      if (line.startsWith('[warehouse]')) console.log(line);
    },
  });
});
afterAll(async () => {
  await stack?.stop();
});

test('a whole date runs through the bridge and the local platform to COMPLETE', async () => {
  const lines: string[] = [];
  await stack.prepareDate('2025-12-29');
  const state = await runDate({
    client: stack.client,
    config: stack.config,
    gameDate: '2025-12-29',
    platformUrl: stack.platform.url,
    print: (line) => lines.push(line),
    pollMs: 250,
  });
  expect(state.status).toBe('COMPLETE');
  expect(state.gamesScheduled).toBe(11);
  for (const phase of [1, 2, 3, 4, 5, 6] as const) expect(state.phases[phase].status).toBe('COMPLETE');
  expect(state.phases[3].processors.player_game_summary).toMatchObject({
    status: 'COMPLETE',
    executionId: expect.any(String),
  });
  expect(lines).toContain('phase 3 (analytics): COMPLETE 5/5 complete (all 5 expected processors complete)');
  if (stack.warehouseEndpoint) {
    // The gates were real queries against the rows the local platform wrote into the BigQuery emulator.
    expect(state.phases[4].gate).toMatchObject({ status: 'PASSED' });
    expect(state.phases[5].gate?.checks.map((c) => c.check)).toEqual(expect.arrayContaining(['clean_features']));
    expect(state.phases[6].gate?.checks[0]).toMatchObject({ passed: true });
  } else {
    console.warn('the BigQuery emulator is not installed: the warehouse gates were not exercised');
  }

  const events = stack.platform.events();
  const calls = events.filter((e) => e.type === 'request').map((e) => (e as { method: string; path: string }).path);
  expect(calls.filter((p) => p === '/phase3/process-date-range')).toHaveLength(1);
  expect(calls.filter((p) => p === '/phase4/process-date')).toHaveLength(5);
  expect(calls).toContain('/coordinator/start');
  expect(events.some((e) => e.type === 'export')).toBe(true);
  const triggers = events.filter(
    (e) => e.type === 'request' && (e as { path: string }).path === '/phase3/process-date-range',
  );
  expect((triggers[0] as { idempotencyKey?: string }).idempotencyKey).toBe(`gameday-2025-12-29:${state.runId}:phase3`);

  const complete = [];
  for await (const wf of stack.client.workflow.list({
    query: `PipelineStatus = 'COMPLETE' AND GameDate = '2025-12-29'`,
  }))
    complete.push(wf);
  expect(complete.map((w) => w.workflowId)).toEqual(['gameday-2025-12-29']);
});

test('starting the same date twice gives one workflow', async () => {
  await stack.prepareDate('2025-12-30');
  const first = await startOrAttach(stack.client, stack.config, { gameDate: '2025-12-30' });
  const second = await startOrAttach(stack.client, stack.config, { gameDate: '2025-12-30' });
  expect(first.started).toBe(true);
  expect(second.started).toBe(false);
  expect(second.handle.firstExecutionRunId).toBe(first.handle.firstExecutionRunId);
  const runs = [];
  for await (const wf of stack.client.workflow.list({ query: `WorkflowId = 'gameday-2025-12-30'` })) runs.push(wf);
  expect(runs).toHaveLength(1);
  const state = await first.handle.query(pipelineStateQuery);
  expect(state.gameDate).toBe('2025-12-30');
  await first.handle.terminate('test done');
});

test('an early completion starts its date through the bridge (signal-with-start); bad pushes get 4xx with a reason', async () => {
  const push = (body: unknown) =>
    fetch(stack.bridge.pushUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const envelope = (message: unknown) => ({
    message: {
      data: Buffer.from(JSON.stringify(message)).toString('base64'),
      messageId: '1',
      publishTime: new Date().toISOString(),
    },
    subscription: 'projects/nba-props-platform/subscriptions/test',
  });
  const message = {
    processor_name: 'PlayerGameSummaryProcessor',
    phase: 'phase_3_analytics',
    execution_id: 'early-1',
    correlation_id: 'c',
    game_date: TODAY,
    status: 'success',
    timestamp: new Date().toISOString(),
    record_count: 250,
    output_table: null,
  };
  stack.platform.setScenario({ ...SCENARIOS.happy, gamesByDate: { [TODAY]: 6 } });
  await stack.prepareDate(TODAY);
  const accepted = await push(envelope(message));
  expect(accepted.status).toBe(200);
  expect(await accepted.json()).toMatchObject({ delivered: true, workflowId: `gameday-${TODAY}` });
  const state = await stack.client.workflow.getHandle(`gameday-${TODAY}`).query(pipelineStateQuery);
  expect(state.phases[3].processors.player_game_summary).toMatchObject({ status: 'COMPLETE', recordCount: 250 });

  const notJson = await fetch(stack.bridge.pushUrl, { method: 'POST', body: 'nope' });
  expect(notJson.status).toBe(400);
  const noData = await push({ message: {} });
  expect(noData.status).toBe(400);
  expect(((await noData.json()) as { error: string }).error).toMatch(/no data/);
  const missingField = await push(envelope({ ...message, execution_id: undefined }));
  expect(missingField.status).toBe(400);
  expect(((await missingField.json()) as { error: string }).error).toMatch(/execution_id is required/);
  const unknown = await push(envelope({ ...message, processor_name: 'MysteryProcessor', game_date: '2026-01-16' }));
  expect(unknown.status).toBe(422);
  expect(((await unknown.json()) as { error: string }).error).toMatch(/unknown processor MysteryProcessor/);
  const none = [];
  for await (const wf of stack.client.workflow.list({ query: `WorkflowId = 'gameday-2026-01-16'` })) none.push(wf);
  expect(none).toHaveLength(0);
  await stack.client.workflow.getHandle(`gameday-${TODAY}`).terminate('test done');

  // A completion for an old date with no pipeline is acknowledged but never starts one (it would export old data).
  const stray = await push(envelope({ ...message, game_date: '2025-11-15', execution_id: 'stray-1' }));
  expect(stray.status).toBe(200);
  expect(await stray.json()).toMatchObject({
    delivered: false,
    reason: expect.stringMatching(/outside the start window/),
  });
  const strays = [];
  for await (const wf of stack.client.workflow.list({ query: `WorkflowId = 'gameday-2025-11-15'` })) strays.push(wf);
  expect(strays).toHaveLength(0);

  // A late completion for a date whose pipeline already closed is acknowledged, not turned into a new run.
  const late = await push(envelope({ ...message, game_date: '2025-12-29', execution_id: 'late-1' }));
  expect(late.status).toBe(200);
  expect(await late.json()).toMatchObject({ delivered: false });
  const runs = [];
  for await (const wf of stack.client.workflow.list({ query: `WorkflowId = 'gameday-2025-12-29'` })) runs.push(wf);
  expect(runs).toHaveLength(1);
});

test('the 2025-12-29 incident replays: one processor never completes, the partial trigger fires and the day completes', async () => {
  stack.platform.setScenario(SCENARIOS.incident);
  try {
    const lines: string[] = [];
    await stack.prepareDate('2025-12-31');
    const state = await runDate({
      client: stack.client,
      config: stack.config,
      gameDate: '2025-12-31',
      platformUrl: stack.platform.url,
      print: (line) => lines.push(line),
      pollMs: 250,
    });
    expect(state.status).toBe('COMPLETE');
    expect(state.phases[3]).toMatchObject({ degraded: true, missingProcessors: ['upcoming_team_game_context'] });
    expect(state.phases[4].triggerReason).toBe(
      'partial trigger: 4/5 complete 30 s after the first completion, missing upcoming_team_game_context',
    );
    expect(lines.some((line) => /phase 3 \(analytics\): WAITING 4\/5 complete \(partial trigger at/.test(line))).toBe(
      true,
    );
  } finally {
    stack.platform.setScenario(SCENARIOS.happy);
  }
}, 180_000);
