/**
 * The completion bridge with the real Temporal client: every real message shape acknowledged with 2xx and
 * recorded; only a countable completion of a processor the rules use, inside the start window, starts a date;
 * redeliveries cost no signal; only a Temporal outage answers 503.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { startBridge, type BridgeServer } from '../../bridge/server';
import { httpRequest } from '../../cli/http/request';
import { loadConfig } from '../../config/load';
import type { GamedayConfig } from '../../config/schema';
import type { DayState } from '../../contracts/state';
import { pipelineStateQuery } from '../../contracts/workflow-api';
import { dayTimeInstant } from '../../domain/day-times';
import { REAL_MESSAGES } from '../fixtures/platform-messages';
import { createTimeSkippingEnv } from '../helpers/tools';
import { workflowBundle } from '../helpers/day-harness';
import { fakePlatform } from '../helpers/fake-platform';
import { completion } from '../helpers/messages';

let env: TestWorkflowEnvironment;
let bridge: BridgeServer;
let config: GamedayConfig;
let worker: Worker;
let running: Promise<void>;
const gameDate = '2026-01-15';

const subscription = (topic: (typeof REAL_MESSAGES)[number]['topic']) =>
  `projects/nba-props-platform/subscriptions/${topic === 'grading' ? config.topics.gradingComplete : topic === 'export' ? config.topics[6] : config.topics[topic]}-gameday`;

function envelope(data: string, messageId: string, sub: string) {
  return {
    message: {
      data: Buffer.from(data).toString('base64'),
      messageId,
      publishTime: new Date().toISOString(),
      attributes: {},
    },
    subscription: sub,
  };
}

async function push(body: unknown, url = bridge.pushUrl): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  const id = randomUUID().slice(0, 8);
  config = loadConfig(
    {},
    {
      temporal: { taskQueue: `bridge-${id}`, workflowIdPrefix: `b${id}-` },
      clock: {
        virtualAnchor: new Date(dayTimeInstant(gameDate, 'D 10:00', 'America/New_York')).toISOString(),
        realAnchor: new Date(await env.currentTimeMs()).toISOString(),
      },
      bridge: { port: 0, maxBodyBytes: 64_000, maxMessageBytes: 16_000 },
    },
  );
  const platform = fakePlatform({ config, client: env.client });
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: config.temporal.taskQueue,
    workflowBundle: await workflowBundle(),
    activities: platform.activities,
  });
  running = worker.run();
  bridge = await startBridge({ client: env.client, config });
}, 60_000);

afterAll(async () => {
  await bridge?.close();
  await env?.client.workflow
    .getHandle(`${config.temporal.workflowIdPrefix}${gameDate}`)
    .terminate()
    .catch(() => undefined);
  worker?.shutdown();
  await running;
  await env?.teardown();
});

const state = () =>
  env.client.workflow
    .getHandle(`${config.temporal.workflowIdPrefix}${gameDate}`)
    .query(pipelineStateQuery) as Promise<DayState>;

describe('messages as they really are', () => {
  test('what does not count never starts a date; a countable phase-3 completion does', async () => {
    const phase1 = REAL_MESSAGES.find((m) => m.topic === 1)!;
    const first = await push(envelope(phase1.data, 'first', subscription(1)));
    expect(first).toMatchObject({ status: 200, body: { acknowledged: true, outcome: 'not_running' } });
    const failed = REAL_MESSAGES.find((m) => m.name.startsWith('phase 3 failure'))!;
    expect((await push(envelope(failed.data, 'failed-first', subscription(3)))).body.outcome).toBe('not_running');
    // Failure mode 6: a phase-4 (scheduled, backfill) or phase-5 run's completion of the date starts nothing.
    for (const name of [
      'phase 4 ML feature store (table ml_feature_store_v2)',
      'phase 4 scheduled run (trigger_source scheduler), not triggered by Gameday',
      'phase 5 coordinator batch summary (status always success, completion_pct float)',
    ]) {
      const message = REAL_MESSAGES.find((m) => m.name === name)!;
      const answer = await push(
        envelope(message.data, `not-first-${message.topic}-${name.length}`, subscription(message.topic)),
      );
      expect([name, answer.status, answer.body.outcome]).toEqual([name, 200, 'not_running']);
    }
    const pgs = REAL_MESSAGES.find((m) => m.name === 'phase 3 player game summary')!;
    const started = await push(envelope(pgs.data, 'pgs', subscription(3)));
    expect(started).toMatchObject({ status: 200, body: { outcome: 'delivered' } });
    const day = await state();
    expect(day.processors['3:player_game_summary'].runs[0]).toMatchObject({ status: 'success', recordCount: 241 });
  });

  test('every real shape is acknowledged with 2xx and lands where an operator sees it', async () => {
    const answers = [];
    for (const [i, message] of REAL_MESSAGES.entries()) {
      answers.push({
        name: message.name,
        ...(await push(envelope(message.data, `real-${i}`, subscription(message.topic)))),
      });
    }
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    const outcomes = Object.fromEntries(answers.map((a) => [a.name, a.body.outcome]));
    expect(outcomes["phase 1 cleanup job's re-publish (no processor_name, no game_date)"]).toBe('unusable');
    expect(outcomes['phase 1 hourly injury report (no orchestrator uses it)']).toBe('ignored');
    expect(outcomes['phase 3 run without an end date: game_date "None"']).toBe('unusable');
    expect(outcomes['phase 4 ML feature store (table ml_feature_store_v2)']).toBe('delivered');
    const day = await state();
    // Dated messages that cannot be used are in the date's state; the undated ones in the bridge's count.
    expect(day.messages.byReason.no_processor_name).toBe(2);
    expect(day.processors['4:ml_feature_store'].runs[0].status).toBe('success');
    expect(day.processors['5:grading'].runs[0].status).toBe('success');
    const stats = bridge.stats.view();
    expect(stats.byReason.no_processor_name).toBe(2);
    expect(stats.byReason.untracked_processor).toBe(1);
    expect(stats.byReason.bad_date).toBe(1);
    // What `gameday status` shows of them: GET /stats through the CLI's plain-HTTP client.
    const answer = await httpRequest(`${bridge.url}/stats`, { timeoutMs: 5000 });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({
      received: stats.received,
      byReason: { no_processor_name: 2, untracked_processor: 1, bad_date: 1 },
    });
  });

  test('500 redeliveries of one message ID: one signal, 499 acknowledged as duplicates', async () => {
    const before = (await state()).messages.received;
    const message = completion(config, 3, 'team_offense_game_summary', gameDate, Date.now());
    const body = envelope(JSON.stringify(message), 'redelivered-id', subscription(3));
    const outcomes = [];
    for (let i = 0; i < 500; i++) outcomes.push((await push(body)).body.outcome);
    expect(outcomes[0]).toBe('delivered');
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(499);
    const day = await state();
    expect(day.messages.received - before).toBe(1);
  });

  test('permanent problems with the request itself are acknowledged too; only an oversize body is refused (413)', async () => {
    expect(await push('this is not json')).toMatchObject({
      status: 200,
      body: { outcome: 'unusable', reason: 'the body is not JSON' },
    });
    expect(await push({ nothing: true })).toMatchObject({ status: 200, body: { outcome: 'unusable' } });
    expect(await push({ message: { data: '!!!not base64 json', messageId: 'x1' } })).toMatchObject({
      status: 200,
      body: { outcome: 'unusable' },
    });
    const huge = await fetch(bridge.pushUrl, { method: 'POST', body: 'x'.repeat(200_000) });
    expect(huge.status).toBe(413);
  });

  test('a message that could never be a signal (nested too deep, too large) is acknowledged, not retried for days', async () => {
    const before = (await state()).messages.received;
    const pgs = JSON.parse(REAL_MESSAGES.find((m) => m.name === 'phase 3 player game summary')!.data) as object;
    const deepDate = `{"game_date":${'['.repeat(6000)}${']'.repeat(6000)}}`;
    const deepMetadata = JSON.stringify({ ...pgs, metadata: { entities: 'X' } }).replace(
      '"X"',
      `${'['.repeat(6000)}${']'.repeat(6000)}`,
    );
    const large = JSON.stringify({ ...pgs, error_message: 'x'.repeat(30_000) });
    const answers = [
      await push(envelope(deepDate, 'deep-date', subscription(3))),
      await push(envelope(deepMetadata, 'deep-metadata', subscription(3))),
      await push(envelope(large, 'large', subscription(3))),
    ];
    expect(answers.map((a) => [a.status, a.body.outcome])).toEqual([
      [200, 'unusable'],
      [200, 'unusable'],
      [200, 'unusable'],
    ]);
    expect(answers[1].body.reason).toBe('the message nests deeper than 32 levels');
    expect(answers[2].body.reason).toMatch(/^the message is \d+ bytes, over bridge.maxMessageBytes \(16000\)/);
    expect(bridge.stats.view().byReason).toMatchObject({ too_deep: 2, too_large: 1 });
    expect((await state()).messages.received).toBe(before);
  });

  test('an unreachable Temporal is the only 503 (Pub/Sub redelivers later), within the ack deadline', async () => {
    const dead = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    const offline = await startBridge({
      client: dead,
      config: loadConfig({}, { ...config, bridge: { ...config.bridge, port: 0, temporalTimeoutSeconds: 2 } }),
    });
    try {
      const pgs = REAL_MESSAGES.find((m) => m.name === 'phase 3 player game summary')!;
      const started = Date.now();
      const answer = await push(envelope(pgs.data, 'while-down', subscription(3)), offline.pushUrl);
      expect(answer.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(9_000);
      // A message it would only acknowledge needs no Temporal at all.
      const injury = REAL_MESSAGES.find((m) => m.name.startsWith('phase 1 hourly injury'))!;
      expect((await push(envelope(injury.data, 'while-down-2', subscription(1)), offline.pushUrl)).status).toBe(200);
    } finally {
      await offline.close();
    }
  });
});
