/**
 * Chaos: 1,000 deliveries of one date's real messages, each redelivered many times and all of them shuffled, through
 * the real bridge. The date ends in the state a single in-order delivery of each message gives, and a redelivery
 * costs no signal: the history grows by one signal per distinct message, not per delivery.
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { startBridge, type BridgeServer } from '../../bridge/server';
import { loadConfig } from '../../config/load';
import type { DayState } from '../../contracts/state';
import { pipelineStateQuery } from '../../contracts/workflow-api';
import { dayTimeInstant } from '../../domain/day-times';
import { REAL_MESSAGES, type RealMessage } from '../fixtures/platform-messages';
import { createTimeSkippingEnv } from '../helpers/tools';
import { workflowBundle } from '../helpers/day-harness';
import { fakePlatform } from '../helpers/fake-platform';

const gameDate = '2026-01-15';
const DELIVERIES = 1000;
let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const bridges: BridgeServer[] = [];

/** A deterministic shuffle (mulberry32), so a failure replays with the same order. */
function shuffled<T>(items: T[], seed: number): T[] {
  let a = seed;
  const random = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

async function dateBridge(taskQueue: string, clock: object) {
  const config = loadConfig(
    {},
    { temporal: { taskQueue, workflowIdPrefix: `f${randomUUID().slice(0, 6)}-` }, clock, bridge: { port: 0 } },
  );
  const bridge = await startBridge({ client: env.client, config });
  bridges.push(bridge);
  const subscription = (topic: RealMessage['topic']) =>
    `projects/nba-props-platform/subscriptions/${topic === 'grading' ? config.topics.gradingComplete : topic === 'export' ? config.topics[6] : config.topics[topic]}-gameday`;
  const push = async (message: RealMessage, messageId: string) => {
    const res = await fetch(bridge.pushUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        message: {
          data: Buffer.from(message.data).toString('base64'),
          messageId,
          publishTime: new Date().toISOString(),
        },
        subscription: subscription(message.topic),
      }),
    });
    return { status: res.status, outcome: ((await res.json()) as { outcome: string }).outcome };
  };
  const handle = () => env.client.workflow.getHandle(`${config.temporal.workflowIdPrefix}${gameDate}`);
  return { config, push, handle, state: () => handle().query(pipelineStateQuery) as Promise<DayState> };
}

/** What a date made of its messages: each processor's runs (order-free), and what it could not use, by reason. */
function outcome(state: DayState) {
  return {
    processors: Object.fromEntries(
      Object.entries(state.processors).map(([key, p]) => [
        key,
        p.runs.map((r) => `${r.status}:${r.recordCount ?? ''}`).sort(),
      ]),
    ),
    byReason: state.messages.byReason,
    counted: state.messages.counted,
  };
}

beforeAll(async () => {
  env = await createTimeSkippingEnv();
}, 60_000);
afterAll(async () => {
  for (const bridge of bridges) await bridge.close();
  worker?.shutdown();
  await running;
  await env?.teardown();
});

test('1,000 shuffled redeliveries: the state of one in-order delivery each, one signal per distinct message', async () => {
  const taskQueue = `flood-${randomUUID().slice(0, 8)}`;
  const clock = {
    virtualAnchor: new Date(dayTimeInstant(gameDate, 'D 10:00', 'America/New_York')).toISOString(),
    realAnchor: new Date(await env.currentTimeMs()).toISOString(),
  };
  const reference = await dateBridge(taskQueue, clock);
  const flooded = await dateBridge(taskQueue, clock);
  // Phase-3 remedies publish nothing here: whether a date's catch-up remedy runs before or after the real messages
  // is a race of timers, not of deliveries, and would add runs of its own.
  const platform = fakePlatform({
    config: reference.config,
    client: env.client,
    silentPhase3: reference.config.processors[3].map((p) => p.name),
  });
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: platform.activities,
  });
  running = worker.run();

  // Both dates start on the same countable completion (what arrives before a date starts is not this test's concern).
  const starter = REAL_MESSAGES.find((m) => m.name === 'phase 3 player game summary')!;
  for (const date of [reference, flooded]) expect((await date.push(starter, 'start')).outcome).toBe('delivered');

  for (const [i, message] of REAL_MESSAGES.entries())
    expect((await reference.push(message, `real-${i}`)).status).toBe(200);

  const deliveries = shuffled(
    Array.from({ length: DELIVERIES }, (_, n) => n % REAL_MESSAGES.length),
    20260115,
  );
  const answers: Record<string, number> = {};
  for (const i of deliveries) {
    const { status, outcome: said } = await flooded.push(REAL_MESSAGES[i], `real-${i}`);
    expect(status).toBe(200);
    answers[said] = (answers[said] ?? 0) + 1;
  }
  const distinct = new Set(deliveries).size;
  expect(distinct).toBe(REAL_MESSAGES.length);
  expect(answers.duplicate).toBe(DELIVERIES - distinct);

  expect(outcome(await flooded.state())).toEqual(outcome(await reference.state()));

  const signals = (await flooded.handle().fetchHistory()).events?.filter(
    (e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
  );
  const referenceSignals = (await reference.handle().fetchHistory()).events?.filter(
    (e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
  );
  expect(signals?.length).toBe(referenceSignals?.length);
  expect(signals!.length).toBeLessThanOrEqual(distinct + 1);
  for (const date of [reference, flooded]) await date.handle().terminate('test over');
}, 120_000);
