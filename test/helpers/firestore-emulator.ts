/**
 * The official Firestore emulator (`gcloud emulators firestore start`, Java) on a free loopback port, in its own
 * process group so teardown stops the JVM with it. Tests skip, and say so, where gcloud or the component is missing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Firestore } from '@google-cloud/firestore';
import { freePort } from '../../warehouse/emulator';

export interface FirestoreEmulator {
  /** host:port, the value of FIRESTORE_EMULATOR_HOST. */
  host: string;
  /** A client of the emulator for `projectId`. */
  client(projectId: string): Firestore;
  /** Deletes every document (the emulator's reset endpoint). */
  clear(projectId: string): Promise<void>;
  stop(): Promise<void>;
}

/** Why the emulator cannot run here, or undefined when it can. */
export function firestoreEmulatorMissing(): string | undefined {
  const probe = spawnSync('gcloud', ['emulators', 'firestore', '--help'], { stdio: 'ignore', timeout: 30_000 });
  if (probe.error) return 'the Google Cloud CLI (gcloud) is not installed';
  if (probe.status !== 0) return 'gcloud has no Firestore emulator (install google-cloud-cli-firestore-emulator)';
  return undefined;
}

/**
 * `describe` for tests that need the emulator, or `describe.skip` after a SKIPPED line saying which tests (`what`) and
 * why.
 */
export function describeWithFirestoreEmulator(what: string): jest.Describe {
  const missing = firestoreEmulatorMissing();
  if (!missing) return describe;
  console.warn(`SKIPPED: ${what} need the official Firestore emulator: ${missing}`);
  return describe.skip;
}

export async function startFirestoreEmulator(timeoutMs = 90_000): Promise<FirestoreEmulator> {
  // No GCE metadata server here: without this the auth library probes for one and keeps a timer alive.
  process.env.METADATA_SERVER_DETECTION = 'none';
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const child: ChildProcess = spawn('gcloud', ['emulators', 'firestore', 'start', `--host-port=${host}`, '--quiet'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-3000);
  });
  const clients: Firestore[] = [];
  const stop = async () => {
    await Promise.all(clients.map((c) => c.terminate().catch(() => undefined)));
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(-child.pid, 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]);
    clearTimeout(timer);
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // the group is gone
    }
    child.stderr?.destroy();
  };
  const emulator: FirestoreEmulator = {
    host,
    client(projectId) {
      const db = new Firestore({
        projectId,
        host: '127.0.0.1',
        port,
        ssl: false,
        customHeaders: { Authorization: 'Bearer owner' },
      });
      clients.push(db);
      return db;
    },
    async clear(projectId) {
      await fetch(`http://${host}/emulator/v1/projects/${projectId}/databases/(default)/documents`, {
        method: 'DELETE',
      });
    },
    stop,
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the Firestore emulator exited with ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(`http://${host}/`)).ok) return emulator;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`the Firestore emulator did not answer within ${timeoutMs} ms: ${stderr}`);
}
