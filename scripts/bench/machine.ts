/** The machine a benchmark ran on, as one line for the report. */
import { cpus, loadavg, release, totalmem, type } from 'node:os';

export function machineLine(): string {
  const cores = cpus();
  const gib = (totalmem() / 2 ** 30).toFixed(0);
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  return `${cores.length} cores (${cores[0]?.model.trim() ?? 'unknown'}), ${gib} GiB, ${type()} ${release()}, Node ${process.version}; load average at the end ${load}`;
}
