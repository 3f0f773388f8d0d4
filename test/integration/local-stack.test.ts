/**
 * A whole day on the embedded stack, in process: the local platform lives the date's day (its own scrapes, phase 3 by
 * subscription, background traffic), publishes through Pub/Sub-style push to the bridge, the worker drives phases 4-6
 * and grading over HTTP, the warehouse gates are real queries (when the BigQuery emulator is installed).
 */
import { startLocalStack, type LocalStack } from '../../scripts/lib/local-stack';
import { runDate } from '../../scripts/run-date';
import { startOrAttach } from '../../clients/pipeline-client';
import { SCENARIOS, type RequestEvent, type ExportEvent, type PublishEvent } from '../../local-platform';
import { quietRuntime } from '../helpers/tools';

jest.mock('teeny-request', () =>
  (
    jest.requireActual('../warehouse/teeny-request-shim') as { teenyRequestWithNodeFetch(): unknown }
  ).teenyRequestWithNodeFetch(),
);

const gameDate = '2026-01-15';
let stack: LocalStack;

beforeAll(async () => {
  quietRuntime();
  stack = await startLocalStack({
    scenario: SCENARIOS.happy,
    persistent: false,
    randomPorts: true,
    dayOf: gameDate,
    env: { GAMEDAY_TIME_SCALE: String(1 / 2400) },
    log: (line) => {
      if (line.startsWith('[warehouse]')) console.log(line);
    },
  });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

test('a date outside the demo lives its whole day to COMPLETE: three cycles, every phase driven or observed', async () => {
  const lines: string[] = [];
  const state = await runDate({
    client: stack.client,
    config: stack.config,
    gameDate,
    platformUrl: stack.platform.url,
    print: (l) => lines.push(l),
    pollMs: 200,
  });
  expect(state.status).toBe('COMPLETE');
  expect(state.gamesScheduled).toBeGreaterThan(0);
  expect(state.runs).toBe(3);
  expect(Object.values(state.cycles).map((c) => c.status)).toEqual(['DONE', 'DONE', 'DONE']);
  expect(state.predictions.ready).toBe(true);
  // With the warehouse on, the deadline counted the predictions table's active rows (PLATFORM.md: >= 10).
  const deadline = state.cycles.same_day.steps.find((s) => s.kind === 'predictions-deadline');
  if (stack.warehouseEndpoint) expect(deadline?.outcome).toMatch(/, \d+ active rows\)$/);
  if (stack.warehouseEndpoint) expect(state.predictions.activeRows).toBeGreaterThanOrEqual(10);
  expect(lines.some((l) => l.includes('overnight · gap check at 09:00: DONE') && l.includes('no gaps'))).toBe(true);

  const events = stack.platform.events();
  const requests = events.filter((e): e is RequestEvent => e.type === 'request');
  // Phase 3 is the platform's own (its subscription runs it from phase-2 completions). Gameday runs only what is
  // missing at a remedy time: the team context, which nothing in the platform's event chain runs.
  const phase3Calls = requests.filter((r) => r.path === '/phase3/process-date-range');
  for (const call of phase3Calls) {
    expect((call.body as { processors: string[] }).processors).toEqual(['UpcomingTeamGameContextProcessor']);
  }
  const subscriptionRuns = events.filter(
    (e) => e.type === 'run' && (e as { cause?: string }).cause?.startsWith('subscription:'),
  );
  expect(subscriptionRuns.length).toBeGreaterThan(5);
  // Phase 4: five calls a cycle, one processor each, plus the three feature-store refreshes.
  expect(requests.filter((r) => r.path === '/phase4/process-date' && r.status === 200)).toHaveLength(18);
  const waves = requests
    .filter((r) => r.path === '/coordinator/start')
    .map((r) => (r.body as { prediction_run_mode: string }).prediction_run_mode);
  expect(waves).toEqual(['PRE_GAME', 'FIRST', 'RETRY', 'RETRY', 'RETRY', 'RETRY', 'FINAL_RETRY', 'LAST_CALL']);
  const exports = events.filter((e): e is ExportEvent => e.type === 'export');
  expect(exports.every((e) => e.trigger.update_latest === true)).toBe(true);
  expect(exports.map((e) => e.trigger.export_types[0])).toContain('results');
  expect(events.some((e) => e.type === 'grading')).toBe(true);
  // Every push the platform made was acknowledged, background traffic included: nothing left for redelivery.
  const pushes = events.filter((e): e is PublishEvent => e.type === 'publish');
  expect(pushes.filter((p) => p.delivery !== 'delivered')).toEqual([]);
  expect(pushes.filter((p) => p.attempts > 1)).toEqual([]);
  expect(state.messages.unusable).toBeGreaterThan(0);

  const complete = [];
  for await (const wf of stack.client.workflow.list({
    query: `PipelineStatus = 'COMPLETE' AND GameDate = '${gameDate}'`,
  }))
    complete.push(wf.workflowId);
  expect(complete).toEqual([`gameday-${gameDate}`]);
}, 300_000);

test('starting the same date twice gives one workflow; a late message never starts a second run', async () => {
  const other = '2026-01-16';
  const first = await startOrAttach(stack.client, stack.config, { gameDate: other });
  const second = await startOrAttach(stack.client, stack.config, { gameDate: other });
  expect(first.started).toBe(true);
  expect(second.started).toBe(false);
  expect(second.handle.firstExecutionRunId).toBe(first.handle.firstExecutionRunId);
  await first.handle.terminate('test done');
  const late = await fetch(stack.bridge.pushUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      message: {
        data: Buffer.from(
          JSON.stringify({
            processor_name: 'PlayerGameSummaryProcessor',
            phase: 'phase_3_analytics',
            execution_id: 'late',
            correlation_id: 'c',
            game_date: gameDate,
            status: 'success',
            record_count: 5,
            records_failed: 0,
            timestamp: new Date().toISOString(),
            metadata: {},
          }),
        ).toString('base64'),
        messageId: 'late-1',
      },
      subscription: 'projects/p/subscriptions/nba-phase3-analytics-complete-gameday',
    }),
  });
  expect(await late.json()).toMatchObject({ acknowledged: true, outcome: 'closed' });
  const runs = [];
  for await (const wf of stack.client.workflow.list({ query: `WorkflowId = 'gameday-${gameDate}'` }))
    runs.push(wf.runId);
  // Three cycles, three runs (a test's day may trim its history into more runs of a cycle, never fewer).
  expect(runs.length).toBeGreaterThanOrEqual(3);
});

// Last: its day moves the stack's clock days ahead, past the start window of the dates above.
test('grading that finds no actual results yet: the platform heals player_game_summary, Gameday grades again, COMPLETE', async () => {
  const healDate = '2026-01-17';
  stack.platform.setScenario({ ...SCENARIOS.happy, grading: { missingActualsRuns: 1 } });
  const state = await runDate({
    client: stack.client,
    config: stack.config,
    gameDate: healDate,
    platformUrl: stack.platform.url,
    print: () => undefined,
    pollMs: 200,
  });
  expect(state.status).toBe('COMPLETE');
  const grading = state.cycles.overnight.steps.find((s) => s.kind === 'grading');
  expect(grading?.status).toBe('DONE');
  expect(grading?.grading?.retries).toBe(1);
  expect(grading?.outcome).toMatch(/^graded/);
  const gradings = stack.platform
    .events()
    .filter((e) => e.type === 'grading' && (e as { targetDate?: string }).targetDate === healDate);
  // The first trigger found no actual results (auto_heal_pending); the second, after the heal's completion, graded.
  expect(gradings).toHaveLength(2);
  const healRuns = stack.platform
    .events()
    .filter((e) => e.type === 'run' && (e as { cause?: string }).cause === 'grading auto-heal');
  expect(healRuns.length).toBeGreaterThanOrEqual(1);
  const record = state.processors['5:grading']?.runs ?? [];
  expect(record.map((r) => r.reportedStatus ?? r.status)).toEqual(
    expect.arrayContaining(['auto_heal_pending', 'success']),
  );
}, 300_000);
