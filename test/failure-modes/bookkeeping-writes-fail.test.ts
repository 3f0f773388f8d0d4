/**
 * Failure mode 2: "A bookkeeping write made every message look like a duplicate, so the trigger never fired."
 *
 * A whole day (D-1 16:55 to D+1 09:00) on the time-skipping server while every execution-log write fails: the real
 * `writeExecutionLog` activity runs its MERGE against a BigQuery endpoint that answers 503 to every request. Every
 * phase-3 completion reaches the day through the real completion bridge, delivered twice as Pub/Sub may (same message
 * ID). Gameday's guarantee: bookkeeping is never on the trigger path nor in the count. Each completion counts once
 * (the redelivery is a duplicate, the first delivery never is), the 3 -> 4 trigger fires at its time in every cycle,
 * and the date completes; the failed rows are dropped after the activity's retries, never retried into a count.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BigQuery } from '@google-cloud/bigquery';
import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { OAuth2Client } from 'google-auth-library';
import type { PipelineActivities } from '../../activities';
import { warehouseActivities } from '../../activities/warehouse';
import { startBridge, type BridgeServer } from '../../bridge/server';
import { startOrAttach } from '../../clients/pipeline-client';
import { loadConfig } from '../../config/load';
import type { GamedayConfig } from '../../config/schema';
import type { DayState } from '../../contracts/state';
import { realDelayUntil, virtualNow } from '../../domain/clock';
import { formatTimeET } from '../../domain/dates';
import { dayTimeInstant } from '../../domain/day-times';
import { dayConfig, dayState, dayWorker, type DayHandle } from '../helpers/day-harness';
import { fakePlatform } from '../helpers/fake-platform';
import { completion, pushEnvelope } from '../helpers/messages';
import { createTimeSkippingEnv } from '../helpers/tools';

jest.mock('teeny-request', () =>
  (
    jest.requireActual('../warehouse/teeny-request-shim') as { teenyRequestWithNodeFetch(): unknown }
  ).teenyRequestWithNodeFetch(),
);

const gameDate = '2026-01-27';
let env: TestWorkflowEnvironment;
let warehouse: Server;
let bridge: BridgeServer | undefined;
/** Every request the failing BigQuery endpoint received. */
const warehouseCalls: { method: string; url: string; merge: boolean }[] = [];

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  warehouse = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      warehouseCalls.push({ method: req.method ?? '', url: req.url ?? '', merge: body.includes('MERGE') });
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: {
            code: 503,
            message: 'Service Unavailable: the warehouse is down',
            errors: [{ reason: 'backendError', message: 'Service Unavailable: the warehouse is down' }],
          },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => warehouse.listen(0, '127.0.0.1', resolve));
}, 60_000);
afterAll(async () => {
  await bridge?.close();
  await env?.teardown();
  await new Promise((resolve) => warehouse?.close(resolve));
});

/** The execution-log activity of a worker whose warehouse answers 503 to everything. */
function failingExecutionLog(): { write: PipelineActivities['writeExecutionLog']; attempts: () => number } {
  const apiEndpoint = `http://127.0.0.1:${(warehouse.address() as AddressInfo).port}`;
  const config = loadConfig({}, { warehouse: { enabled: true, projectId: 'gameday-test', apiEndpoint } });
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: 'test', expiry_date: Date.now() + 3600_000 });
  // The client's own HTTP retries off: the retries under test are the activity's (Temporal's retry policy).
  const bq = new BigQuery({ projectId: 'gameday-test', apiEndpoint, authClient, autoRetry: false });
  const { writeExecutionLog } = warehouseActivities(config, bq);
  let attempts = 0;
  return {
    attempts: () => attempts,
    write: async (events) => {
      attempts += 1;
      return writeExecutionLog(events);
    },
  };
}

test('every execution-log write fails: each completion counts once, 3 -> 4 fires on time in every cycle, the date completes', async () => {
  const config: GamedayConfig = await dayConfig(env, gameDate);
  const log = failingExecutionLog();
  /** What the bridge answered to each push: `delivered`, `duplicate`, ... */
  const answers: { messageId: string; outcome: string }[] = [];
  /** The message IDs of each processor's completions, and all of them in the order they were published. */
  const pushed = new Map<string, string[]>();
  const published: string[] = [];
  const subscription = `projects/nba-props-platform/subscriptions/${config.topics[3]}-gameday`;
  const push = async (name: string, at: number, messageId: string): Promise<void> => {
    const body = JSON.stringify(pushEnvelope(completion(config, 3, name, gameDate, at), { messageId, subscription }));
    // Pub/Sub delivers at least once: every message arrives twice, with the same message ID.
    for (let copy = 0; copy < 2; copy++) {
      const res = await fetch(bridge!.pushUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(res.status).toBe(200);
      answers.push({ messageId, outcome: ((await res.json()) as { outcome: string }).outcome });
    }
    pushed.set(name, [...(pushed.get(name) ?? []), messageId]);
    published.push(messageId);
  };

  const platform = fakePlatform({
    config,
    client: env.client,
    games: 9,
    overrides: {
      writeExecutionLog: log.write,
      // The platform runs Gameday's phase-3 remedy and publishes each completion through Pub/Sub (the bridge).
      triggerAnalytics: async (request) => {
        for (const className of request.processors) {
          const spec = config.processors[3].find((p) => p.className === className)!;
          const at = virtualNow(platform.clock, Context.current().info.currentAttemptScheduledTimestampMs);
          await push(spec.name, at, `remedy-${request.idempotencyKey}-${spec.name}`);
        }
        return { status: 'started' };
      },
    },
  });
  const { worker, taskQueue } = await dayWorker(env, platform.activities);
  const result = await worker.runUntil(async () => {
    // The bridge and the day share the worker's task queue and the day's clock.
    const stackConfig = loadConfig({}, { temporal: { taskQueue }, clock: config.clock, bridge: { port: 0 } });
    bridge = await startBridge({ client: env.client, config: stackConfig });
    const { handle } = await startOrAttach(env.client, stackConfig, { gameDate, startedBy: 'failure-mode test' });
    const at = (time: string) => dayTimeInstant(gameDate, time, config.timeZone);
    // The platform's own phase 3: props refresh the upcoming player context; box scores drive the night's summaries.
    const publishAt = async (time: string, names: string[]) => {
      const { clock } = await dayState(env, { workflowId: handle.workflowId } as DayHandle);
      await env.sleep(Math.max(0, realDelayUntil(clock, at(time), await env.currentTimeMs())));
      for (const name of names) await push(name, at(time), `${name}-${time}`);
    };
    await publishAt('D 05:30', ['upcoming_player_game_context']);
    await publishAt('D 23:40', ['player_game_summary', 'team_defense_game_summary', 'team_offense_game_summary']);
    return (await env.client.workflow.getHandle(handle.workflowId).result()) as DayState;
  });

  // The warehouse failed every write, and the activity was retried: no row was ever written.
  expect(log.attempts()).toBeGreaterThanOrEqual(5);
  expect(warehouseCalls.filter((c) => c.merge).length).toBeGreaterThanOrEqual(log.attempts());
  expect(warehouseCalls.length).toBe(warehouseCalls.filter((c) => c.method === 'POST').length);

  // Each message was delivered once and its redelivery dropped as a duplicate; the day counted each run once.
  // The 17:00 remedy's two contexts, the morning's player context, the night's three summaries.
  expect(published).toHaveLength(6);
  expect(answers.filter((a) => a.outcome === 'delivered').map((a) => a.messageId)).toEqual(published);
  expect(answers.filter((a) => a.outcome === 'duplicate').map((a) => a.messageId)).toEqual(published);
  for (const [name, ids] of pushed) {
    const record = result.processors[`3:${name}`];
    expect({ name, messages: record?.messages, runs: record?.runs.length }).toEqual({
      name,
      messages: ids.length,
      runs: ids.length,
    });
  }
  expect(result.messages.duplicates).toBe(0);

  // 3 -> 4 fired at its time in every cycle (overnight: as soon as phase 3 was in), and the day completed.
  const wall = (ms: number) => formatTimeET(ms, config.timeZone);
  const at = (time: string) => dayTimeInstant(gameDate, time, config.timeZone);
  const phase4Calls = new Map<string, number>();
  for (const call of platform.of('runPrecomputeProcessor'))
    phase4Calls.set(wall(call.at), (phase4Calls.get(wall(call.at)) ?? 0) + 1);
  expect([...phase4Calls.entries()]).toEqual(
    [
      ['D-1 17:30', 5],
      ['D 06:00', 5],
      ['D 07:00', 1],
      ['D 10:00', 1],
      ['D 13:00', 1],
      ['D 23:40', 5],
    ].map(([time, n]) => [wall(at(time as string)), n]),
  );
  for (const cycle of ['tomorrow', 'same_day', 'overnight'] as const) {
    const phase3 = result.cycles[cycle].steps.find((s) => s.kind === 'phase3');
    const phase4 = result.cycles[cycle].steps.find((s) => s.kind === 'phase4');
    expect({ cycle, phase3: phase3?.status, phase4: phase4?.status }).toEqual({
      cycle,
      phase3: 'DONE',
      phase4: 'DONE',
    });
    expect(phase4?.triggeredAt).toBeDefined();
  }
  expect(result.status).toBe('COMPLETE');
  expect(result.predictions.ready).toBe(true);
  expect(result.alerts).toEqual([]);
}, 240_000);
