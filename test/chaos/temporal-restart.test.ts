/**
 * Chaos: the Temporal server is killed (SIGKILL) while phase 4 runs, and started again on the same database and
 * port. Meanwhile the bridge answers 503 to the platform's pushes and the platform redelivers them like Pub/Sub;
 * the worker and the bridge reconnect by themselves. Nothing is lost: every push is delivered in the end, each
 * precompute processor ran once, and the day goes on to its PRE_GAME predictions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { startOrAttach } from '../../clients/pipeline-client';
import { PIPELINE_SEARCH_ATTRIBUTES } from '../../contracts/search-attributes';
import type { DayState } from '../../contracts/state';
import { pipelineStateQuery } from '../../contracts/workflow-api';
import { SCENARIOS, type PublishEvent, type RequestEvent, type RunEvent } from '../../local-platform';
import { startLocalStack, type LocalStack } from '../../scripts/lib/local-stack';
import { freePort } from '../../warehouse/emulator';
import { quietRuntime, temporalCliPath } from '../helpers/tools';
import { until } from '../helpers/until';

const gameDate = '2026-02-19';
const OUTAGE_MS = 8000;
/** How long each wait may take: the outage and the reconnections come on top of the day's own pace. */
const WAIT_MS = 240_000;
let stack: LocalStack | undefined;
let server: ChildProcess | undefined;
let port: number;
let dbFile: string;

/** The pinned dev server on a fixed port and SQLite file, so a restart finds its workflows again. */
async function startServer(): Promise<ChildProcess> {
  const attributes = PIPELINE_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]);
  const child = spawn(
    temporalCliPath(),
    [
      'server',
      'start-dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--headless',
      '--db-filename',
      dbFile,
      '--log-level',
      'error',
      ...attributes,
    ],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const connection = await Connection.connect({ address: `127.0.0.1:${port}`, connectTimeout: 1000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      return child;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`the dev server did not start: ${(err as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

beforeAll(async () => {
  quietRuntime();
  port = await freePort();
  dbFile = join(mkdtempSync(join(tmpdir(), 'gameday-restart-')), 'temporal.db');
  server = await startServer();
  stack = await startLocalStack({
    scenario: SCENARIOS.happy,
    persistent: false,
    randomPorts: true,
    dayOf: gameDate,
    warehouse: false,
    temporalAddress: `127.0.0.1:${port}`,
    env: { GAMEDAY_TIME_SCALE: String(1 / 120) },
    overrides: { localStack: { startsAt: 'D-1 17:20' } },
  });
}, 120_000);

afterAll(async () => {
  await stack?.client.workflow
    .getHandle(`${stack.config.temporal.workflowIdPrefix}${gameDate}`)
    .terminate('test over')
    .catch(() => undefined);
  await stack?.stop();
  server?.kill('SIGKILL');
});

test('the server killed mid phase 4 and restarted on its database: 503s meanwhile, redelivered, nothing lost', async () => {
  const platform = stack!.platform;
  const { handle } = await startOrAttach(stack!.client, stack!.config, { gameDate, startedBy: 'chaos test' });
  const step = async (id: string) =>
    (
      (await handle.query(pipelineStateQuery).catch(() => undefined)) as DayState | undefined
    )?.cycles.tomorrow.steps.find((s) => s.id === id);

  await until(
    'the first phase-4 call',
    () => platform.events().find((e) => e.type === 'request' && (e as RequestEvent).path === '/phase4/process-date'),
    WAIT_MS,
  );
  const exited = new Promise((resolve) => server!.once('exit', resolve));
  server!.kill('SIGKILL');
  await exited;
  // The platform keeps working meanwhile: a phase-3 run (as its own scheduler starts one) publishes five
  // completions while no Temporal server can take them.
  const outageStarted = platform.events().length;
  const started = await fetch(`${platform.url}/phase3/process-date-range`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ start_date: gameDate, end_date: gameDate, processors: [], trigger_source: 'manual' }),
  });
  expect(started.status).toBe(200);
  await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
  const duringOutage = platform
    .events()
    .slice(outageStarted)
    .filter((e): e is PublishEvent => e.type === 'publish');
  expect(duringOutage.length).toBeGreaterThan(0);
  server = await startServer();

  const wave = await until(
    'the PRE_GAME wave done',
    async () => {
      const s = await step('tomorrow/wave-1');
      return s?.status === 'DONE' ? s : undefined;
    },
    WAIT_MS,
  );
  expect(wave.status).toBe('DONE');
  expect(await step('tomorrow/phase4')).toMatchObject({ status: 'DONE' });

  await platform.deliveriesSettled();
  const pushes = platform.events().filter((e): e is PublishEvent => e.type === 'publish');
  // Pushes during the outage were refused and redelivered; in the end every one was acknowledged.
  for (const push of duringOutage) {
    const now = pushes.find((p) => p.seq === push.seq)!;
    expect(now).toMatchObject({ delivery: 'delivered' });
    expect(now.attempts).toBeGreaterThan(1);
  }
  expect(pushes.filter((p) => p.delivery !== 'delivered')).toEqual([]);

  const runs = platform
    .events()
    .filter((e): e is RunEvent => e.type === 'run' && e.phase === 4 && e.gameDate === gameDate);
  const perProcessor = new Map<string, number>();
  for (const run of runs) perProcessor.set(run.className, (perProcessor.get(run.className) ?? 0) + 1);
  expect(perProcessor.size).toBe(stack!.config.processors[4].length);
  expect([...perProcessor.values()].every((n) => n === 1)).toBe(true);
  // Every phase-4 completion the platform published reached the date, and so did the outage's phase-3 run.
  const state = (await handle.query(pipelineStateQuery)) as DayState;
  for (const processor of stack!.config.processors[3]) {
    expect(state.processors[`3:${processor.name}`]?.runs.length).toBeGreaterThan(0);
  }
  for (const processor of stack!.config.processors[4]) {
    expect(state.processors[`4:${processor.name}`]?.runs.some((r) => r.status === 'success')).toBe(true);
  }
}, 400_000);
