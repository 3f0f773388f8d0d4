/**
 * The worker's Prometheus endpoint, scraped over HTTP while a date's evening runs on the time-skipping server: the
 * SDK's own metrics, Gameday's (phase durations, triggers with their reason, alerts by kind, breaker state) and the
 * failing-workflow-task counter with its hook; and the JSON log lines, with the game date, phase, workflow and run IDs.
 */
import { randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import type { GamedayConfig } from '../../config/schema';
import { GAMEDAY_METRICS } from '../../contracts/metrics';
import { PIPELINE_SEARCH_ATTRIBUTES } from '../../contracts/search-attributes';
import { freePort } from '../../warehouse/emulator';
import { breakerStateGauge } from '../../workers/observability/breaker-metrics';
import { installWorkerRuntime, type WorkerRuntime } from '../../workers/observability/runtime';
import type { WorkflowTaskFailure } from '../../workers/observability/workflow-task-failures';
import { workflowTaskFailureAlert } from '../../workers/observability/workflow-task-alert';
import { createDeliveryLedger } from '../../activities/alerts/ledger';
import type { Notification } from '../../activities/alerts/alerts';
import { dayConfig, dayState, dayWorker, endDays, settle, skipTo, startDay } from '../helpers/day-harness';
import { fakePlatform } from '../helpers/fake-platform';
import { testServerPath } from '../helpers/tools';

const GAME_DATE = '2026-01-15';
const logLines: Record<string, unknown>[] = [];
const taskFailures: WorkflowTaskFailure[] = [];
const alertsSent: Notification[] = [];
let runtime: WorkerRuntime;
let env: TestWorkflowEnvironment;
let config: GamedayConfig;
let workflowId: string;
let runId: string;

/** One sample line of the scrape: `name{labels} value`. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

async function scrape(): Promise<Sample[]> {
  const response = await fetch(runtime.metricsUrl as string);
  expect(response.status).toBe(200);
  const samples: Sample[] = [];
  for (const line of (await response.text()).split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

const named = (samples: Sample[], name: string) => samples.filter((s) => s.name === name);

beforeAll(async () => {
  // The Runtime (logger, metrics) is installed once per process, before the first connection: as the worker does.
  const metricsPort = await freePort();
  const base = (await import('../../config/load')).loadConfig(
    {},
    {
      worker: { host: '127.0.0.1', metricsPort },
      logging: { level: 'debug' },
    },
  );
  runtime = installWorkerRuntime(base, {
    destination: { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  runtime.workflowTaskFailures.onFailure((failure) => taskFailures.push(failure));
  runtime.workflowTaskFailures.onFailure(
    workflowTaskFailureAlert({
      config: base,
      channels: [{ name: 'slack', send: async (notification) => void alertsSent.push(notification) }],
      ledger: createDeliveryLedger(),
      logger: runtime.logger,
    }),
  );
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: testServerPath() } },
  });
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(
      PIPELINE_SEARCH_ATTRIBUTES.map((key) => [
        key.name,
        temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      ]),
    ),
  });

  // The evening of the incident: upcoming_team_game_context never completes, so phase 4 goes on the partial trigger.
  config = await dayConfig(env, GAME_DATE);
  // And the PRE_GAME wave's data gate fails its first two checks (then passes, 5 minutes of the day later each).
  let phase5Checks = 0;
  const platform = fakePlatform({
    config,
    client: env.client,
    silentPhase3: ['upcoming_team_game_context'],
    overrides: {
      checkDataGate: async (request) => {
        const failing = request.phase === 5 && (phase5Checks += 1) <= 2;
        return {
          ...request,
          enabled: true,
          passed: !failing,
          checks: [{ check: 'clean_features', passed: !failing, observed: 40, required: 60, reason: '40% < 60%' }],
          recheckAfterMs: 300_000,
        };
      },
    },
  });
  const { worker, taskQueue } = await dayWorker(env, platform.activities);
  await worker.runUntil(async () => {
    const handle = await startDay(env, taskQueue, { gameDate: GAME_DATE });
    workflowId = handle.workflowId;
    runId = handle.firstExecutionRunId;
    await skipTo(env, handle, config, GAME_DATE, 'D-1 21:00');
    await dayState(env, handle);
    await settle(env, handle);
  });

  // A workflow whose tasks fail, as after a deploy that broke determinism.
  const failing = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: `failing-${randomUUID()}`,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: require.resolve('./fixtures/failing-workflow'),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never,
    }),
  });
  await failing.runUntil(async () => {
    await env.client.workflow.start('alwaysFailingTask', {
      taskQueue: failing.options.taskQueue,
      workflowId: `failing-${randomUUID()}`,
    });
    for (let i = 0; i < 100 && taskFailures.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  });
}, 180_000);

afterAll(async () => {
  await endDays();
  await env?.teardown();
});

describe('the worker metrics endpoint', () => {
  it("serves the SDK's metrics (workers, requests, workflow tasks)", async () => {
    const samples = await scrape();
    expect(named(samples, 'temporal_request_total').length).toBeGreaterThan(0);
    expect(
      named(samples, 'temporal_workflow_task_execution_latency_count').some(
        (s) => s.labels.workflow_type === 'gameDatePipeline' && s.value > 0,
      ),
    ).toBe(true);
    expect(named(samples, 'temporal_activity_execution_latency_count').length).toBeGreaterThan(0);
  });

  it("serves the duration of each finished phase step, by phase, cycle and status (in the day's seconds)", async () => {
    const counts = named(await scrape(), `${GAMEDAY_METRICS.phaseDuration}_count`);
    const phase4 = counts.find((s) => s.labels.phase === '4' && s.labels.cycle === 'tomorrow');
    expect(phase4).toMatchObject({ labels: { kind: 'phase4', status: 'DONE' }, value: 1 });
    const sums = named(await scrape(), `${GAMEDAY_METRICS.phaseDuration}_sum`);
    expect(sums.find((s) => s.labels.phase === '4')?.value).toBeGreaterThan(0);
  });

  it('counts triggers by reason: phase 3 remedy, phase 4 on the partial trigger, the prediction wave', async () => {
    const triggers = named(await scrape(), `${GAMEDAY_METRICS.triggers}_total`);
    const reason = (kind: string) => triggers.find((s) => s.labels.kind === kind)?.labels.reason;
    expect(reason('phase3')).toBe('remedy');
    expect(reason('phase4')).toBe('partial_trigger');
    expect(reason('prediction-wave')).toBe('scheduled');
    expect(triggers.every((s) => s.value === 1 && s.labels.workflowType === 'gameDatePipeline')).toBe(true);
  });

  it('counts alerts by kind', async () => {
    const alerts = named(await scrape(), `${GAMEDAY_METRICS.alerts}_total`);
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts.map((s) => s.labels.kind)).toContain('PHASE_DEGRADED');
  });

  it('counts each failing check of a data gate, by phase', async () => {
    const failures = named(await scrape(), `${GAMEDAY_METRICS.gateFailures}_total`);
    expect(failures.map((s) => ({ ...s.labels, value: s.value }))).toEqual([
      expect.objectContaining({ phase: '5', kind: 'prediction-wave', value: 2 }),
    ]);
  });

  it('shows the breaker state of each platform service, moved by its state changes', async () => {
    const onChange = breakerStateGauge(runtime.runtime.metricMeter);
    onChange({ service: 'coordinator', state: 'open', reason: '503' });
    const gauges = named(await scrape(), GAMEDAY_METRICS.breakerState);
    expect(gauges.find((s) => s.labels.service === 'coordinator')?.value).toBe(2);
    expect(gauges.find((s) => s.labels.service === 'precompute')?.value).toBe(0);
    onChange({ service: 'coordinator', state: 'closed' });
    expect(
      named(await scrape(), GAMEDAY_METRICS.breakerState).find((s) => s.labels.service === 'coordinator')?.value,
    ).toBe(0);
  });

  it('counts failing workflow tasks and tells the hook, with the run', async () => {
    expect(taskFailures.length).toBeGreaterThan(0);
    expect(taskFailures[0].failure).toContain('this workflow task always fails');
    expect(taskFailures[0].workflowId).toMatch(/^failing-/);
    const counter = named(await scrape(), `${GAMEDAY_METRICS.workflowTaskFailures}_total`);
    expect(counter[0]?.value).toBeGreaterThanOrEqual(1);
  });

  it('raises one WORKFLOW_TASK_FAILING alert per failing run, however often its task fails', () => {
    expect(alertsSent).toHaveLength(1);
    expect(alertsSent[0].subject).toContain(`WORKFLOW_TASK_FAILING ${taskFailures[0].workflowId}`);
    expect(alertsSent[0].text).toContain('this workflow task always fails');
    runtime.workflowTaskFailures.log('WARN', 'Failing workflow task', {
      workflowId: taskFailures[0].workflowId,
      runId: taskFailures[0].runId,
    });
    expect(alertsSent).toHaveLength(1);
  });
});

describe('the JSON logs of the Temporal runtime', () => {
  it('carry the game date, phase, workflow and run IDs on workflow and activity lines', () => {
    const ofDay = logLines.filter((line) => line.workflowId === workflowId);
    expect(ofDay.length).toBeGreaterThan(0);
    expect(ofDay.every((line) => line.gameDate === GAME_DATE && typeof line.runId === 'string')).toBe(true);
    expect(ofDay.some((line) => line.runId === runId)).toBe(true);
    const precompute = ofDay.find((line) => line.activityType === 'runPrecomputeProcessor');
    expect(precompute).toMatchObject({ phase: '4', level: 'debug', component: 'worker' });
    expect(typeof precompute?.time).toBe('string');
  });

  it("carry core's failing-workflow-task warning as JSON, with its run ID", () => {
    const failing = logLines.find((line) => String(line.message).includes('Failing workflow task'));
    expect(failing).toMatchObject({ level: 'warn', sdkComponent: 'core' });
    expect(failing?.runId).toBe(taskFailures[0].runId);
  });
});
