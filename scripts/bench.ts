/**
 * `npm run bench`: Gameday's benchmarks, each beside its floor or peer measured in the same run. Prints the report
 * (stdout; progress on stderr) and writes it to BENCHMARKS.md, replacing the sections of the benchmarks that ran.
 * Benchmarks are not tests: the exit code is 0 whatever the figures.
 *
 *   npm run bench                                   every benchmark at its full size
 *   npm run bench -- --only trigger,airflow         some of them: trigger, airflow, season, chaos, status
 *   npm run bench -- --only season --dates 40       fewer dates (trigger, season, chaos)
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCHMARKS, type BenchmarkId } from './bench/registry';
import { progress } from './bench/progress';
import { measureReferenceWorkload } from './bench/machine';
import { renderSection, runInfo, updateReport } from './bench/report';
import { watchChildren } from './lib/watchdog';
import { startThreadsAsDeployed } from './bench/threads-as-deployed';

const REPORT = join(__dirname, '..', 'BENCHMARKS.md');

const HEADER = `# Benchmarks

\`npm run bench\` runs every benchmark below and rewrites this file (\`--only trigger,airflow,season,chaos,status\` runs
some and keeps the others' last figures; \`--dates N\` shrinks the date counts). Each benchmark reports its floor or
peer from the same run on the same machine: figures are only meaningful as those ratios. The machine has 2 cores
shared with other work (other engineers' test runs at the time), so absolute figures are noisy.`;

async function main(): Promise<void> {
  runAsDeployed();
  // An interrupted or killed benchmark must not leave its dev and test servers (or Airflow) running.
  watchChildren();
  const argv = process.argv.slice(2);
  const { values } = parseArgs({
    args: argv,
    options: { only: { type: 'string' }, dates: { type: 'string' }, help: { type: 'boolean', default: false } },
  });
  const ids = Object.keys(BENCHMARKS) as BenchmarkId[];
  if (values.help) {
    process.stdout.write(`usage: npm run bench -- [--only ${ids.join(',')}] [--dates N]\n`);
    return;
  }
  const only = values.only ? (values.only.split(',').map((s) => s.trim()) as BenchmarkId[]) : ids;
  const unknown = only.filter((id) => !ids.includes(id));
  if (unknown.length) throw new Error(`unknown benchmark(s) ${unknown.join(', ')}: expected ${ids.join(', ')}`);
  const dates = values.dates ? Number(values.dates) : undefined;
  if (dates !== undefined && !(Number.isInteger(dates) && dates > 0))
    throw new Error('--dates must be a positive integer');
  await measureReferenceWorkload();
  const rendered = new Map<string, string>();
  const shared = {};
  for (const id of ids.filter((i) => only.includes(i))) {
    progress(`${id}: starting`);
    try {
      const section = await BENCHMARKS[id]({ dates, shared });
      const text = renderSection(section, runInfo(argv));
      rendered.set(id, text);
      process.stdout.write(`\n${text}\n`);
    } catch (err) {
      // A benchmark that cannot run says why in its section; the others still run.
      const reason = err instanceof Error ? err.message : String(err);
      progress(`${id}: failed: ${err instanceof Error ? err.stack : reason}`);
      const text = renderSection({ id, title: id, body: `Not measured: ${reason}` }, runInfo(argv));
      rendered.set(id, text);
      process.stdout.write(`\n${text}\n`);
    }
    await updateReport(REPORT, HEADER, ids, rendered);
  }
  progress(`wrote ${REPORT}`);
}

/**
 * The workers here run as deployed (`node dist/workers/worker.js`: compiled JS, no source maps). tsx turns Node's
 * source-map support on, in this thread and in every worker thread (the SDK's workflow threads load tsx too), and
 * the SDK captures a stack for every promise workflow code creates: with source maps each of those also goes through
 * Node's source-map cache, CPU that production does not spend.
 */
function runAsDeployed(): void {
  process.setSourceMapsEnabled(false);
  startThreadsAsDeployed();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(0);
  },
);
