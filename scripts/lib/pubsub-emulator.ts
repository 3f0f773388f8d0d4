import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort } from '../../warehouse/emulator';

/** Where the Google Cloud CLI's Debian package puts the official Pub/Sub emulator. */
export const PUBSUB_EMULATOR_PATHS = [
  process.env.GAMEDAY_PUBSUB_EMULATOR,
  '/usr/lib/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator',
  '/usr/share/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator',
].filter((p): p is string => Boolean(p));

export function findPubSubEmulator(): string | undefined {
  return PUBSUB_EMULATOR_PATHS.find((p) => existsSync(p));
}

export interface PubSubEmulator {
  /** host:port, the value of PUBSUB_EMULATOR_HOST. */
  host: string;
  stop(): Promise<void>;
}

/** Starts the official Pub/Sub emulator (Java) on 127.0.0.1 and waits until it answers. */
export async function startPubSubEmulator(binary: string, timeoutMs = 60_000): Promise<PubSubEmulator> {
  const port = await freePort();
  const child: ChildProcess = spawn(binary, [`--host=127.0.0.1`, `--port=${port}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(-child.pid, 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]);
    clearTimeout(timer);
    if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    // The JVM outlives the launcher script by a few seconds and still holds the pipe: let go of it.
    child.stderr?.destroy();
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the Pub/Sub emulator exited with ${child.exitCode}: ${stderr}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`);
      if (response.ok) return { host: `127.0.0.1:${port}`, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error(`the Pub/Sub emulator did not answer within ${timeoutMs} ms: ${stderr}`);
}
