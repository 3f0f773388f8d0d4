/**
 * 5. `gameday status` as a whole process, each way a user can run it, beside the official
 * `temporal workflow query` for the same running date, against a warm dev server with its HTTP API on. The CLI reads
 * the date over the HTTP API (TEMPORAL_HTTP_ADDRESS) in the headline row and over gRPC in one row of its own. The CLI
 * runs asynchronously so the in-process worker answers its queries.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { loadConfig } from '../../config/load';
import { GameDateKey } from '../../contracts/search-attributes';
import { addDays } from '../../domain/dates';
import { dayWorker } from '../../test/helpers/day-harness';
import { fakePlatform } from '../../test/helpers/fake-platform';
import { createDevServerEnv, temporalCliPath } from '../../test/helpers/tools';
import { freePort } from '../../warehouse/emulator';
import { progress } from './progress';
import { table, type Section } from './report';
import { ms, ratio, summarize } from './stats';

const ROOT = join(__dirname, '..', '..');
const LAST_DATE = '2025-12-31';
const DAYS = 30;
const RUNS = 40;

function runOnce(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, cwd: ROOT }, (error, _stdout, stderr) => {
      // Exit 1 (not complete) is an answer, not a failure.
      if (error && error.code !== 1) reject(new Error(`${file} ${args.join(' ')} exited ${error.code}: ${stderr}`));
      else resolve();
    });
  });
}

interface Way {
  name: string;
  file: string;
  args: string[];
  /** Replaces the shared environment (e.g. without the HTTP address, for gRPC). */
  env?: NodeJS.ProcessEnv;
}

/** Wall times of each way, `runs` rounds after one warm-up round; round-robin, so load drift hits all alike. */
async function timeAll(ways: Way[], env: NodeJS.ProcessEnv, runs: number): Promise<number[][]> {
  const times = ways.map(() => [] as number[]);
  for (let round = 0; round <= runs; round++) {
    for (const [i, way] of ways.entries()) {
      const started = process.hrtime.bigint();
      await runOnce(way.file, way.args, way.env ?? env);
      if (round > 0) times[i].push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    progress(`status: round ${round}/${runs}`);
  }
  return times;
}

export async function statusBenchmark(): Promise<Section> {
  progress('status: starting the dev server and 30 dates (27 complete, 3 running)');
  const httpPort = await freePort();
  const env = await createDevServerEnv({ extraArgs: ['--http-port', String(httpPort)] });
  const config = loadConfig({}, { clock: { realAnchor: new Date().toISOString() } });
  // The three newest dates never get their phase-3 completions: they stay running for `status` to query.
  const fake = fakePlatform({
    config,
    client: env.client,
    overrides: {
      triggerAnalytics: async (request) => {
        if (request.gameDate >= addDays(LAST_DATE, -2)) return { status: 'started' };
        return fake.baseTriggerAnalytics(request);
      },
    },
  });
  const { worker, taskQueue } = await dayWorker(env, fake.activities);
  const running = worker.run();
  try {
    const dates = Array.from({ length: DAYS }, (_, i) => addDays(LAST_DATE, -i));
    const handles = await Promise.all(
      dates.map((gameDate) =>
        env.client.workflow.start('gameDatePipeline', {
          taskQueue,
          workflowId: `${config.temporal.workflowIdPrefix}${gameDate}`,
          args: [{ gameDate, cycle: 'overnight' as const, startedBy: 'bench' }],
          typedSearchAttributes: [{ key: GameDateKey, value: gameDate }],
        }),
      ),
    );
    await Promise.all(handles.slice(3).map((h) => h.result()));
    const grpcEnv: NodeJS.ProcessEnv = {
      ...process.env,
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_HTTP_ADDRESS: '',
      GAMEDAY_TASK_QUEUE: taskQueue,
      GAMEDAY_CONFIG: '',
      PATH: `${join(ROOT, '.tools', 'bin')}:${process.env.PATH ?? ''}`,
    };
    const cliEnv = { ...grpcEnv, TEMPORAL_HTTP_ADDRESS: `127.0.0.1:${httpPort}` };
    const status = ['status', LAST_DATE];
    const ways: Way[] = [
      { name: '`gameday status` (on PATH: .tools/bin; HTTP API)', file: 'gameday', args: status },
      { name: '`npx gameday status` (README)', file: 'npx', args: ['gameday', ...status] },
      {
        name: '`node bin/gameday.js status`',
        file: process.execPath,
        args: [join(ROOT, 'bin', 'gameday.js'), ...status],
      },
      {
        name: '`temporal workflow query` (official CLI)',
        file: temporalCliPath(),
        args: [
          'workflow',
          'query',
          '--address',
          env.address,
          '--workflow-id',
          `${config.temporal.workflowIdPrefix}${LAST_DATE}`,
          '--name',
          'pipelineState',
        ],
      },
      { name: '`gameday status` over gRPC (no HTTP address)', file: 'gameday', args: status, env: grpcEnv },
      { name: '`gameday status` of a complete date (HTTP API)', file: 'gameday', args: ['status', dates[10]] },
      {
        name: `\`gameday dashboard --days ${DAYS}\``,
        file: 'gameday',
        args: ['dashboard', '--end', LAST_DATE, '--days', String(DAYS)],
      },
      { name: '`gameday --help` (startup, no RPC)', file: 'gameday', args: ['--help'] },
      { name: '`node -e 0` (Node.js start-up alone)', file: process.execPath, args: ['-e', '0'] },
      {
        name: '`node -e 0` without NODE_EXTRA_CA_CERTS',
        file: process.execPath,
        args: ['-e', '0'],
        env: { ...cliEnv, NODE_EXTRA_CA_CERTS: undefined },
      },
    ];
    const times = await timeAll(ways, cliEnv, RUNS);
    const results = ways.map((way, i) => ({ name: way.name, times: times[i] }));
    const [onPathRun, officialRun] = [results[0], results[3]];
    const official = summarize(officialRun.times).p50;
    const rows = results.map((r) => {
      const s = summarize(r.times);
      return [r.name, ms(s.p50), ms(s.min), ms(s.max), ratio(s.p50, official)];
    });
    const onPath = summarize(onPathRun.times).p50;
    // Paired by round (both ran back to back): how often the CLI on PATH beat the official one.
    const wins = onPathRun.times.filter((t, round) => t < officialRun.times[round]).length;
    const body = [
      `A running date (\`${LAST_DATE}\`, waiting in phase 3) among ${DAYS} on a warm dev server (its HTTP API on with`,
      '`--http-port`); `gameday status` reads it over the HTTP API (`TEMPORAL_HTTP_ADDRESS`, plain HTTP/1.1 over a `node:net` socket) in every',
      'row but the one "over gRPC" (no HTTP address: the Temporal client). The headline (on PATH) uses the HTTP API.',
      `${RUNS} rounds after one warm-up, each command once per round (round-robin), as a whole process. \`bin/gameday.js\` runs the CLI`,
      'precompiled by the setup step while it is newer than its sources (an edited source falls back to tsx, slower), with',
      "V8's code cache of it (written by the warm-up round). After `npm install` (or any `npm start`/`npm test`),",
      '`export PATH="$PWD/.tools/bin:$PATH"` puts `gameday` on PATH: the launcher the setup step writes there, which',
      'moves `NODE_EXTRA_CA_CERTS` aside until the first TLS connection (`cli/extra-ca.ts`). This machine sets that',
      `variable for every process (${process.env.NODE_EXTRA_CA_CERTS ? `here: \`${process.env.NODE_EXTRA_CA_CERTS}\`` : 'not set in this run'}): Node then parses the whole file at`,
      'start-up, which `node -e 0` shows beside the same without it.',
      '',
      table(['command', 'p50', 'min', 'max', 'vs official'], rows),
      '',
      `Goal (no slower than the official CLI): ${onPath <= official ? 'met' : 'not met'} on PATH, ` +
        `${ratio(onPath, official)} of \`temporal workflow query\` at p50; faster than it in ${wins} of ${RUNS} rounds ` +
        '(each round runs both, one after the other: a tie is about half).',
    ].join('\n');
    return { id: 'status', title: '5. `gameday status` against `temporal workflow query`', body };
  } finally {
    worker.shutdown();
    await running;
    await env.teardown();
  }
}
