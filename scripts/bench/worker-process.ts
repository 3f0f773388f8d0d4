/**
 * A benchmark's worker in a process of its own, so its memory and CPU are measured alone (`VmHWM`, the kernel's peak
 * resident set of that process), with the heap limits the pipeline worker is deployed with (workers/heap-limits.ts).
 * The pipeline worker runs the real activities against the instant platform and asks the bench process for each
 * date's day clock over HTTP (the dates' clocks live where the platform is); the season floor's worker runs its one
 * activity, an HTTP call.
 *
 * As a script (spawned by startWorkerProcess): reads BENCH_WORKER (a WorkerSpec as JSON) and prints `ready` once
 * polling.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Context } from '@temporalio/activity';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { GamedayConfig } from '../../config/schema';
import type { RunSettings } from '../../domain/run-settings';
import { floorActivities } from './floor-activities';
import { WORKER_NODE_OPTIONS } from '../../workers/heap-limits';
import { startThreadsAsDeployed } from './threads-as-deployed';

type WorkerSpec =
  | {
      kind: 'pipeline';
      config: GamedayConfig;
      bundle: string;
      /** GET `${settingsUrl}?workflow_id=...` answers the date's RunSettings (with its day clock). */
      settingsUrl: string;
    }
  | {
      kind: 'season-floor';
      address: string;
      taskQueue: string;
      bundle: string;
      /** Where the floor's activity calls (floor-activities.ts). */
      callUrl: string;
    };

export interface WorkerProcess {
  pid: number;
  /** Peak and current resident set of the worker process, in MB (from /proc). */
  memory(): { peakMb: number; rssMb: number };
  stop(): Promise<void>;
}

function procStatusMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return kb / 1024;
}

export function startWorkerProcess(spec: WorkerSpec): Promise<WorkerProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [...WORKER_NODE_OPTIONS.split(' '), '--require', 'tsx/cjs', __filename],
    {
      env: { ...process.env, BENCH_WORKER: JSON.stringify(spec) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
      if (!output.includes('ready')) return;
      child.stdout?.off('data', onData);
      const pid = child.pid as number;
      resolve({
        pid,
        memory: () => ({ peakMb: procStatusMb(pid, 'VmHWM'), rssMb: procStatusMb(pid, 'VmRSS') }),
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    child.once('exit', (code) => reject(new Error(`the bench worker exited (${code}) before it ran: ${output}`)));
  });
}

async function main(): Promise<void> {
  // As deployed: compiled JS without source maps (tsx turns them on; see runAsDeployed in scripts/bench.ts).
  process.setSourceMapsEnabled(false);
  startThreadsAsDeployed();
  const spec = JSON.parse(process.env.BENCH_WORKER ?? '') as WorkerSpec;
  const address = spec.kind === 'pipeline' ? spec.config.temporal.address : spec.address;
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create(
    spec.kind === 'pipeline'
      ? {
          connection,
          namespace: spec.config.temporal.namespace,
          taskQueue: spec.config.temporal.taskQueue,
          workflowBundle: { codePath: spec.bundle },
          activities: { ...createActivities(spec.config), loadRunSettings: settingsFrom(spec.settingsUrl) },
        }
      : {
          connection,
          taskQueue: spec.taskQueue,
          workflowBundle: { codePath: spec.bundle },
          activities: floorActivities(spec.callUrl),
        },
  );
  process.once('SIGTERM', () => worker.shutdown());
  const running = worker.run();
  process.stdout.write('ready\n');
  await running;
  await connection.close();
}

function settingsFrom(settingsUrl: string): () => Promise<RunSettings> {
  return async () => {
    const workflowId = Context.current().info.workflowExecution?.workflowId ?? '';
    const res = await fetch(`${settingsUrl}?workflow_id=${encodeURIComponent(workflowId)}`);
    if (!res.ok) throw new Error(`settings for ${workflowId}: ${res.status}`);
    return (await res.json()) as RunSettings;
  };
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  });
}
