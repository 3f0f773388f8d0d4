/**
 * `gameday status` over the Temporal frontend's HTTP API (temporal.httpAddress / TEMPORAL_HTTP_ADDRESS) against the
 * same dev server read over gRPC: the same `--json` and text, byte for byte, for a running date and for a run that
 * closed failed, and without a worker to answer the query; the same not-found answer; a clear exit 2 when the HTTP
 * API cannot be reached. A worker in this process (the scripted platform, its own day clock) answers the
 * pipelineState query until the last test stops it.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DayState } from '../../contracts/state';
import { freePort } from '../../warehouse/emulator';
import { createDevServerEnv } from '../helpers/tools';
import { clockWorker, eventually, runCli, type ClockWorker } from './cli-harness';

const PREFIX = `http${Date.now().toString(36)}-`;
/** The worker's clock is at D-1 17:50 of `today`: `running` is in its overnight cycle. */
const today = '2036-04-14';
const running = '2036-04-13';
const failedClosed = '2036-04-16';
const none = '2036-04-20';

let env: TestWorkflowEnvironment;
let worker: ClockWorker;
let httpAddress: string;

/** Over HTTP: the gRPC address is unreachable, so an answer can only have come over HTTP. */
const overHttp = (args: string[], address = httpAddress) =>
  runCli(args, {
    GAMEDAY_CONFIG: worker.configFile,
    TEMPORAL_ADDRESS: '127.0.0.1:1',
    TEMPORAL_HTTP_ADDRESS: address,
    GAMEDAY_CONNECT_TIMEOUT: '10',
  });
/** Over gRPC: the config's address (the dev server's) and no HTTP address of its own. */
const overGrpc = (args: string[]) =>
  runCli(args, { GAMEDAY_CONFIG: worker.configFile, TEMPORAL_HTTP_ADDRESS: '', GAMEDAY_CONNECT_TIMEOUT: '10' });

beforeAll(async () => {
  const port = await freePort();
  httpAddress = `127.0.0.1:${port}`;
  env = await createDevServerEnv({ extraArgs: ['--http-port', String(port)] });
  worker = await clockWorker(env, { prefix: PREFIX, date: today, startsAt: 'D-1 17:50', timeScale: 1 });
  await worker.start({ gameDate: running });
  await worker.start({ gameDate: failedClosed, cycle: 'morning' as never });
  await eventually(
    () => worker.state(running).catch(() => undefined),
    (s: DayState | undefined) => s?.status === 'WAITING' && s.cycle === 'overnight',
    60_000,
  );
  await eventually(
    () => env.client.workflow.getHandle(worker.workflowId(failedClosed)).describe(),
    (d) => d.status.name === 'FAILED',
    60_000,
  );
}, 180_000);

afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
});

test('a running date: the same --json and text over HTTP as over gRPC (exit 1), the state the query returns', async () => {
  const [http, grpc] = [await overHttp(['status', running, '--json']), await overGrpc(['status', running, '--json'])];
  expect(grpc.code).toBe(1);
  expect(http.code).toBe(1);
  expect(http.stderr).toBe('');
  expect(http.stdout).toBe(grpc.stdout);
  const body = http.json<{ state: DayState; stateSource: string; executionStatus: string; runId: string }>();
  expect(body).toMatchObject({ executionStatus: 'RUNNING', stateSource: 'query' });
  // The state of the run describe found (the query asked beside describe is used only then).
  expect(body.state.runId).toBe(body.runId);
  expect(body.state).toEqual(await worker.state(running));
  // Empty lists stay lists (the HTTP API's shorthand payloads would have made them null).
  expect(body.state.alerts).toEqual([]);

  const [httpText, grpcText] = [await overHttp(['status', running]), await overGrpc(['status', running])];
  expect(httpText.stdout).toBe(grpcText.stdout);
});

test('a run that closed failed: the same failure over HTTP as over gRPC (exit 2)', async () => {
  const [http, grpc] = [
    await overHttp(['status', failedClosed, '--json']),
    await overGrpc(['status', failedClosed, '--json']),
  ];
  expect(grpc.code).toBe(2);
  expect(http.code).toBe(2);
  expect(http.stdout).toBe(grpc.stdout);
  expect(http.json()).toMatchObject({
    executionStatus: 'FAILED',
    failure: expect.stringMatching(/^Workflow execution failed: .*unknown cycle "morning"/),
  });
});

test('no workflow for the date: exit 4 and the same message as over gRPC', async () => {
  const [http, grpc] = [await overHttp(['status', none]), await overGrpc(['status', none])];
  expect(http.code).toBe(4);
  expect(http.stderr).toBe(`gameday: no pipeline workflow for ${none} (workflow ID ${PREFIX}${none})\n`);
  expect(http.stderr).toBe(grpc.stderr);
  const json = await overHttp(['status', none, '--json']);
  expect(json.code).toBe(4);
  expect(json.json()).toMatchObject({ exitCode: 4, gameDate: none, error: expect.stringContaining('no pipeline') });
});

test('an unknown namespace: exit 2 and the same message as over gRPC, not "no workflow"', async () => {
  const [http, grpc] = [
    await overHttp(['--namespace', 'no-such-ns', 'status', running]),
    await overGrpc(['--namespace', 'no-such-ns', 'status', running]),
  ];
  expect(http.code).toBe(2);
  expect(http.stderr).toBe(`gameday: Namespace not found: 'no-such-ns'\n`);
  expect(http.stderr).toBe(grpc.stderr);
  expect(grpc.code).toBe(2);
});

test('a malformed HTTP address: exit 3 naming the value, before any request', async () => {
  const run = await overHttp(['status', running], 'http://127.0.0.1:7243');
  expect(run.code).toBe(3);
  expect(run.stderr).toContain('temporal.httpAddress: must be host:port (got "http://127.0.0.1:7243")');
});

test('an HTTP API that cannot be reached: exit 2 naming the address tried; the --json error parses', async () => {
  const closed = `127.0.0.1:${await freePort()}`;
  const text = await overHttp(['status', running], closed);
  expect(text.code).toBe(2);
  expect(text.stderr).toBe(`gameday: cannot reach the Temporal HTTP API at ${closed}: ECONNREFUSED\n`);
  const json = await overHttp(['status', running, '--json'], closed);
  expect(json.code).toBe(2);
  expect(json.json()).toEqual({
    error: `cannot reach the Temporal HTTP API at ${closed}: ECONNREFUSED`,
    exitCode: 2,
    address: closed,
  });
});

test('no worker answering: exit 1, no state and the same warning over HTTP as over gRPC', async () => {
  await worker.stop();
  const [http, grpc] = [await overHttp(['status', running, '--json']), await overGrpc(['status', running, '--json'])];
  expect(grpc.code).toBe(1);
  expect(http.code).toBe(1);
  expect(http.stdout).toBe(grpc.stdout);
  expect(http.json()).toMatchObject({
    executionStatus: 'RUNNING',
    stateSource: 'none',
    warning: expect.stringContaining('the pipelineState query was not answered'),
  });
});
