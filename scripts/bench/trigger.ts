/**
 * 1. Trigger latency: from the bridge receiving the phase-3 completion that completes the overnight 3 -> 4 rule to
 * the first phase-4 request arriving at the platform, beside the bare-Temporal floor measured the same way
 * (HTTP -> client -> signal -> one activity -> one HTTP request), date by date, alternating, in the same run.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { startOptions } from '../../clients/pipeline-client';
import { pipelineStateQuery } from '../../contracts/workflow-api';
import { addDays } from '../../domain/dates';
import { completion, pushEnvelope } from '../../test/helpers/messages';
import { GAMES_PER_DATE, startBenchWarehouse } from './bench-warehouse';
import { criticalPath, runHistories, type CriticalPath } from './history';
import { startStack, type Stack } from './harness';
import { progress } from './progress';
import { table, type Section } from './report';
import { ms, ratio, summarize } from './stats';
import { now } from './time';

export const FIRST_DATE = '2025-11-01';
const TIMEOUT_MS = 30_000;
const SETTLE_MS = 150;
/** Phase 4's first call: behind its gate (runs since the gate rides with it), or on its own (a gate of its own). */
const PHASE4_FIRST_CALLS = ['runPrecomputeProcessorBehindGate', 'runPrecomputeProcessor'];

export interface TriggerSamples {
  dates: number;
  /** The warehouse the gate queried: the emulator's rows seeded, or why it was off. */
  warehouse: { rows: number } | { off: string };
  total: number[];
  gate: number[];
  rest: number[];
  floor: number[];
  /** Phase-4 processor answered -> next processor's request arrived. */
  phase4Gaps: number[];
  /** What woke the workflow task that scheduled the phase-4 call, with how often. */
  wokenBy: Map<string, number>;
  /** Activities completed between the signal and the phase-4 call, with how often. */
  completedBetween: Map<string, number>;
  /** Workflow tasks from the signal to the phase-4 call, and their summed processing time. */
  workflowTasks: number[];
  workflowTaskMs: number[];
  /** Where the time goes, from each history's timestamps, Gameday's and the floor's alike. */
  segments: { gameday: SegmentSamples; floor: SegmentSamples };
}

const SEGMENTS = {
  toSignal: 'HTTP POST -> signal recorded (bridge or relay, client, server)',
  workflowCode: 'workflow tasks (started -> completed: the worker runs workflow code)',
  activities: 'activities on the path (gate: scheduled -> completed)',
  waits: 'between them (a task or activity waiting to be dispatched)',
  toRequest: 'call scheduled -> request arrives (dispatch, activity, HTTP)',
};
type Segment = keyof typeof SEGMENTS;
type SegmentSamples = Record<Segment, number[]>;

const noSegments = (): SegmentSamples => ({ toSignal: [], workflowCode: [], activities: [], waits: [], toRequest: [] });

function addSegments(into: SegmentSamples, path: CriticalPath, sentAt: number, arrivedAt: number): void {
  into.toSignal.push(path.signalAt - sentAt);
  into.workflowCode.push(path.workflowTaskMs);
  into.activities.push(path.gateMs);
  into.waits.push(path.scheduledAt - path.signalAt - path.workflowTaskMs - path.gateMs);
  into.toRequest.push(arrivedAt - path.scheduledAt);
}

const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

const sleep = (msDelay: number) => new Promise((resolve) => setTimeout(resolve, msDelay));

/** Until the date's workflow has read its schedule (from the warehouse, or the platform's /schedule without one). */
async function scheduleRead(handle: WorkflowHandle): Promise<void> {
  const deadline = now() + TIMEOUT_MS;
  let last: unknown;
  while (now() < deadline) {
    // The query is not answered while the day loads its settings (QueryNotRegisteredError): ask again.
    const state = await handle.query(pipelineStateQuery).catch((err: unknown) => void (last = err));
    if (state?.gamesScheduled !== undefined) return;
    await sleep(20);
  }
  throw new Error(`no schedule read within ${TIMEOUT_MS} ms${last ? `: ${String(last)}` : ''}`);
}

async function floorSample(stack: Stack, i: number, segments: SegmentSamples): Promise<number> {
  const id = `floor-${i}`;
  await stack.floor.start(id);
  await sleep(SETTLE_MS);
  const from = stack.platform.arrivals.length;
  const sentAt = now();
  await stack.floor.signal(id);
  const arrival = await stack.platform.waitFor((a) => a.path === '/floor' && a.gameDate === id, TIMEOUT_MS, from);
  const [history] = await runHistories(stack.env.client, id);
  const path = history ? criticalPath(history, ['callPlatform']) : undefined;
  if (path) addSegments(segments, path, sentAt, arrival.arrivedAt);
  return arrival.arrivedAt - sentAt;
}

async function gamedaySample(stack: Stack, gameDate: string, samples: TriggerSamples): Promise<void> {
  const { config, platform, env } = stack;
  const from = platform.arrivals.length;
  const handle = await env.client.workflow.start('gameDatePipeline', {
    ...startOptions(config, { gameDate, cycle: 'overnight', startedBy: 'bench' }),
  });
  await scheduleRead(handle);
  await sleep(SETTLE_MS);
  const expected = config.lifecycle.overnight.phase3.expected;
  const subscription = `projects/nba-props-platform/subscriptions/${config.topics[3]}-gameday`;
  const envelope = (name: string) =>
    pushEnvelope(completion(config, 3, name, gameDate, stack.clocks.dayNow(gameDate)), {
      messageId: `${gameDate}-${name}`,
      subscription,
    });
  for (const name of expected.slice(0, -1)) await stack.push(envelope(name));
  await sleep(SETTLE_MS);
  const last = envelope(expected[expected.length - 1]);
  const sentAt = now();
  await stack.push(last);
  const phase4 = (a: { path: string; gameDate?: string }) =>
    a.path.endsWith('/process-date') && a.gameDate === gameDate;
  const first = await platform.waitFor(phase4, TIMEOUT_MS, from);
  const total = first.arrivedAt - sentAt;
  const processors = config.processors[4].length;
  for (let n = 0; n < TIMEOUT_MS / 50; n++) {
    if (platform.arrivals.slice(from).filter(phase4).length >= processors) break;
    await sleep(50);
  }
  const calls = platform.arrivals.slice(from).filter(phase4);
  for (let k = 1; k < calls.length; k++) samples.phase4Gaps.push(calls[k].arrivedAt - (calls[k - 1].answeredAt ?? 0));
  const [history] = await runHistories(env.client, handle.workflowId);
  const path = history ? criticalPath(history, PHASE4_FIRST_CALLS) : undefined;
  samples.total.push(total);
  const gateMs = (stack.gateMs.get(gameDate) ?? []).reduce((sum, t) => sum + t, 0);
  samples.gate.push(gateMs);
  samples.rest.push(total - gateMs);
  for (const name of path?.completedBetween ?? []) count(samples.completedBetween, name);
  if (path) {
    addSegments(samples.segments.gameday, path, sentAt, first.arrivedAt);
    count(samples.wokenBy, path.wokenBy);
    samples.workflowTasks.push(path.workflowTasks);
    samples.workflowTaskMs.push(path.workflowTaskMs);
  }
  await handle.terminate('benchmark sample taken');
}

export async function measureTriggers(dates: number): Promise<TriggerSamples> {
  progress(`trigger: starting the BigQuery emulator, dev server, instant platform, bridge and worker`);
  const warehouse = await startBenchWarehouse();
  const stopWarehouse = () => ('off' in warehouse ? Promise.resolve() : warehouse.stop());
  const stack = await startStack({
    timeScale: 1,
    startsAt: 'D 23:00',
    warehouse: 'off' in warehouse ? undefined : warehouse.settings,
  }).catch(async (err: unknown) => {
    await stopWarehouse();
    throw err;
  });
  const samples: TriggerSamples = {
    dates,
    warehouse: 'off' in warehouse ? warehouse : { rows: 0 },
    total: [],
    gate: [],
    rest: [],
    floor: [],
    phase4Gaps: [],
    wokenBy: new Map(),
    completedBetween: new Map(),
    workflowTasks: [],
    workflowTaskMs: [],
    segments: { gameday: noSegments(), floor: noSegments() },
  };
  try {
    if (!('off' in warehouse)) {
      const sampled = Array.from({ length: dates + 1 }, (_, i) => addDays(FIRST_DATE, i - 1));
      samples.warehouse = { rows: await warehouse.seed(stack.config, sampled) };
      progress(`trigger: ${samples.warehouse.rows} rows seeded for ${sampled.length} dates`);
    }
    // Warm-up: one of each, not counted (bundles, connections, JIT).
    await floorSample(stack, -1, noSegments());
    await gamedaySample(stack, addDays(FIRST_DATE, -1), {
      ...samples,
      total: [],
      gate: [],
      rest: [],
      phase4Gaps: [],
      wokenBy: new Map(),
      completedBetween: new Map(),
      workflowTasks: [],
      workflowTaskMs: [],
      segments: { gameday: noSegments(), floor: noSegments() },
    });
    for (let i = 0; i < dates; i++) {
      samples.floor.push(await floorSample(stack, i, samples.segments.floor));
      await gamedaySample(stack, addDays(FIRST_DATE, i), samples);
      if ((i + 1) % 20 === 0 || i + 1 === dates) progress(`trigger: ${i + 1}/${dates} dates`);
    }
  } finally {
    await stack.stop();
    await stopWarehouse();
  }
  return samples;
}

/**
 * What the path's shape alone costs: Gameday's workflow tasks and dispatch waits at the floor's per-task cost (the
 * floor's one task runs a workflow that does next to nothing), plus a gate activity's round trip if there is one.
 */
function structureLine(s: TriggerSamples): string {
  const p50 = (values: number[]) => summarize(values).p50;
  const floor = s.segments.floor;
  const tasks = p50(s.workflowTasks);
  const shape =
    p50(floor.toSignal) +
    tasks * (p50(floor.workflowCode) + p50(floor.waits)) +
    p50(s.segments.gameday.activities) +
    p50(floor.toRequest);
  return (
    `The path's shape: ${tasks} workflow task${tasks === 1 ? '' : 's'}${p50(s.segments.gameday.activities) > 0 ? " and the gate's activity round trip" : ''} where the floor has one task. At` +
    ` the floor's cost per task (${ms(p50(floor.workflowCode))} for a workflow that does next to nothing: the` +
    ` worker's fixed cost of a task) that shape alone is ${ms(shape)}, ${ratio(shape, p50(s.floor))} of the floor;` +
    " the rest is Gameday's own workflow code and activity."
  );
}

export function triggerSection(s: TriggerSamples): Section {
  const total = summarize(s.total);
  const gate = summarize(s.gate);
  const rest = summarize(s.rest);
  const floor = summarize(s.floor);
  const row = (name: string, x: ReturnType<typeof summarize>) => [name, ms(x.p50), ms(x.p95), ms(x.p99), ms(x.max)];
  const goalMet = rest.p50 <= 2 * floor.p50;
  const list = (map: Map<string, number>) =>
    [...map.entries()].map(([name, n]) => `${name} (${n}/${s.dates})`).join(', ') || 'none';
  const body = [
    `${s.dates} dates on one warm dev server, one at a time, each beside a bare-Temporal sample. Gameday: a date's`,
    'overnight cycle at D 23:00 (real time), four phase-3 completions pushed to the bridge over HTTP, then the fifth,',
    'timed from just before its POST to the arrival of the first `/phase4/process-date` request at the instant',
    'platform (request arrival, not response). Floor: a workflow waiting for one signal then running one activity',
    'that makes one HTTP call; the signal sent over HTTP to a relay that signals through the client, as the bridge',
    'does. The gate is the data gate check timed inside the worker (its execution; it runs in the activity that',
    "makes phase 4's first call, `runPrecomputeProcessorBehindGate`, whose scheduling and dispatch count as",
    '"everything else").',
    'off' in s.warehouse
      ? `The warehouse is off (${s.warehouse.off}), so the gate passed without a query (the issue measured ~310 ms for the query with the BigQuery emulator).`
      : `The gate ran its real queries (phase-3 row counts, schedule coverage) against the BigQuery emulator the local stack runs (bqemulator, DuckDB), seeded with ${s.warehouse.rows} rows: each date's final schedule (${GAMES_PER_DATE} games) and its phase-3 tables. With the warehouse on, the date's schedule comes from it and the execution log is written to it, as in production.`,
    '',
    table(
      ['path', 'p50', 'p95', 'p99', 'max'],
      [
        row('Gameday: completion -> phase-4 request', total),
        row('  of which the data gate check', gate),
        row('  everything else', rest),
        row('bare Temporal floor (signal -> request)', floor),
      ],
    ),
    '',
    "Where the time goes (p50 of each part, from the histories' timestamps and the request arrival; the parts' p50s",
    "need not add up to the total's):",
    '',
    table(
      ['part', 'Gameday', 'floor'],
      (Object.keys(SEGMENTS) as Segment[]).map((key) => [
        SEGMENTS[key],
        ms(summarize(s.segments.gameday[key]).p50),
        ms(summarize(s.segments.floor[key]).p50),
      ]),
    ),
    '',
    `Ratio at p50, everything but the gate / floor: **${ratio(rest.p50, floor.p50)}** (goal <= 2x: ${goalMet ? 'met' : 'not met'}); ` +
      `with the gate: ${ratio(total.p50, floor.p50)}.`,
    structureLine(s),
    `Between the signal and the phase-4 call: workflow tasks ${summarize(s.workflowTasks).p50} (p50), together` +
      ` ${ms(summarize(s.workflowTaskMs).p50)} of workflow-code processing (p50, workflow task started -> completed);` +
      ` activities that completed in between: ${list(s.completedBetween)}; the workflow task that scheduled the call` +
      ` was woken by: ${list(s.wokenBy)}.` +
      (s.completedBetween.has('writeExecutionLog')
        ? ' An execution-log write is not awaited, but its completion wakes a workflow task, and a workflow runs one' +
          ' task at a time: when it lands first, what the trigger waits for waits for that task too.'
        : ' No bookkeeping activity completed on the path.') +
      ' The worker runs the workflow code of the working tree at the time of the run.',
  ].join('\n');
  return { id: 'trigger', title: '1. Trigger latency (3 -> 4) against the bare-Temporal floor', body };
}
