/**
 * `npm run bench`: wall time of the `gameday` CLI as a whole process against a warm local dev server.
 *
 * Starts the pinned dev server (.tools/venv/bin/temporal) and a pipeline worker with fake platform activities,
 * creates 30 dates (27 complete, 3 running), then times N runs of `gameday status DATE` and
 * `gameday dashboard --days 30`, discarding one warm-up run each. Goal: status median < 1 s.
 *
 *   npm run bench -- [--runs 10]
 */
import { execFile } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { addDays } from '../domain/dates';
import { loadConfig } from '../config/load';
import { GameDateKey } from '../contracts/search-attributes';
import { fakePlatform } from '../test/helpers/fake-platform';
import { dayWorker } from '../test/helpers/day-harness';
import { createDevServerEnv } from '../test/helpers/tools';

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'bin', 'gameday.js');
const LAST_DATE = '2025-12-31';
const DAYS = 30;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs the CLI without blocking this process' event loop (the worker here must answer its queries). */
function runOnce(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, ...args], { env }, (error, _stdout, stderr) => {
      // Exit 1 (not complete) is an answer, not a failure.
      if (error && error.code !== 1) reject(new Error(`gameday ${args.join(' ')} exited ${error.code}: ${stderr}`));
      else resolve();
    });
  });
}

async function timeCli(args: string[], env: NodeJS.ProcessEnv, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const started = process.hrtime.bigint();
    await runOnce(args, env);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (i > 0) times.push(ms);
  }
  return times;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
  const runs = Number(values.runs);
  const env = await createDevServerEnv();
  const config = loadConfig({}, { clock: { realAnchor: new Date().toISOString() } });
  // The three newest dates never get their phase-3 completions: they stay running (WAITING) for `status` to query.
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
          workflowId: `gameday-${gameDate}`,
          args: [{ gameDate, cycle: 'overnight' as const, startedBy: 'bench' }],
          typedSearchAttributes: [{ key: GameDateKey, value: gameDate }],
        }),
      ),
    );
    await Promise.all(handles.slice(3).map((h) => h.result()));
    const cliEnv = {
      ...process.env,
      TEMPORAL_ADDRESS: env.address,
      GAMEDAY_TASK_QUEUE: taskQueue,
      GAMEDAY_CONFIG: '',
    };
    const results = [
      { name: `gameday status ${LAST_DATE} (running)`, times: await timeCli(['status', LAST_DATE], cliEnv, runs) },
      { name: `gameday status ${dates[10]} (complete)`, times: await timeCli(['status', dates[10]], cliEnv, runs) },
      {
        name: `gameday dashboard --days ${DAYS}`,
        times: await timeCli(['dashboard', '--end', LAST_DATE, '--days', String(DAYS)], cliEnv, runs),
      },
      { name: 'gameday --help (startup only)', times: await timeCli(['--help'], cliEnv, runs) },
    ];
    const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`;
    process.stdout.write(`gameday CLI wall time, ${runs} runs each after one warm-up, ${machine}\n`);
    for (const r of results) {
      process.stdout.write(
        `  ${r.name.padEnd(42)} median ${median(r.times).toFixed(0).padStart(5)} ms   min ${Math.min(...r.times).toFixed(0)} ms   max ${Math.max(...r.times).toFixed(0)} ms\n`,
      );
    }
  } finally {
    worker.shutdown();
    await running;
    await env.teardown();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
