/**
 * CPU time (user + system) of the processes a benchmark runs, from /proc: the worker's child process, the dev
 * server the stack started (found by its gRPC port), and this process. On a machine without /proc it reads 0.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports a process' times in clock ticks of USER_HZ, 100 on x86 and Arm. */
const TICKS_PER_SECOND = 100;

function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** The pid of the `temporal server start-dev` listening on `address`'s port, if this machine shows it. */
function devServerPid(address: string): number | undefined {
  const port = address.slice(address.lastIndexOf(':') + 1);
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of entries) {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (args.includes('start-dev') && args[args.indexOf('--port') + 1] === port) return Number(pid);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** CPU seconds of a benchmark's worker process, its dev server (0 where not shown) and this process. */
export interface CpuSplit {
  worker: number;
  server: number;
  bench: number;
}

/** Starts counting the three processes' CPU; the returned function gives what each spent since. */
export function startCpuCount(workerPid: number, devServerAddress: string): () => CpuSplit {
  const serverPid = devServerPid(devServerAddress);
  const now = (): CpuSplit => ({
    worker: processCpuSeconds(workerPid),
    server: serverPid ? processCpuSeconds(serverPid) : 0,
    bench: ownCpuSeconds(),
  });
  const before = now();
  return () => {
    const after = now();
    return {
      worker: after.worker - before.worker,
      server: after.server - before.server,
      bench: after.bench - before.bench,
    };
  };
}
