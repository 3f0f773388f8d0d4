/** The machine a benchmark ran on, as one line for the report. */
import { cpus, loadavg, release, totalmem, type } from 'node:os';

let referenceMs: number | undefined;

/** One pass of the reference workload: JSON round trips of a day-sized record, then a chain of promises. */
async function referencePass(): Promise<number> {
  const record = {
    steps: Array.from({ length: 120 }, (_, i) => ({
      label: `step ${i}`,
      status: i % 3 ? 'DONE' : 'WAITING',
      startedAt: new Date(Date.UTC(2025, 11, 29, i % 24)).toISOString(),
      outcome: 'x'.repeat(80),
    })),
  };
  const started = process.hrtime.bigint();
  for (let i = 0; i < 200; i++) JSON.parse(JSON.stringify(record));
  let chain = Promise.resolve(0);
  for (let i = 0; i < 20_000; i++) chain = chain.then((n) => n + 1);
  await chain;
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * Times a fixed single-threaded JavaScript workload (the median of 5 passes) before the first benchmark loads the
 * machine. The same code takes about the same time on the same host, so the report can tell runs on hosts of
 * different speed apart: this machine's cores are not the same from one session to the next.
 */
export async function measureReferenceWorkload(): Promise<void> {
  const passes: number[] = [];
  for (let i = 0; i < 5; i++) passes.push(await referencePass());
  referenceMs = passes.sort((a, b) => a - b)[2];
}

export function machineLine(): string {
  const cores = cpus();
  const gib = (totalmem() / 2 ** 30).toFixed(0);
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  const reference =
    referenceMs === undefined ? '' : `; reference workload ${referenceMs.toFixed(1)} ms (scripts/bench/machine.ts)`;
  return `${cores.length} cores (${cores[0]?.model.trim() ?? 'unknown'}), ${gib} GiB, ${type()} ${release()}, Node ${process.version}${reference}; load average at the end ${load}`;
}
