import { spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * Starts the orphan watchdog for this process: if it dies without stopping its children (SIGKILL, a crash), the
 * watchdog stops them (the dev server, the emulators) within seconds.
 */
export function watchChildren(): void {
  const child = spawn(process.execPath, [join(__dirname, 'orphan-watchdog.mjs'), String(process.pid)], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
}
