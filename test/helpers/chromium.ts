/**
 * Debian's Chromium for the browser tests: /usr/bin/chromium, installed with `apt-get install -y chromium` when
 * missing (said on stderr); when that cannot be done the tests skip, saying why.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export type ChromiumLookup = { path: string } | { skipReason: string };

export function ensureChromium(): ChromiumLookup {
  if (existsSync(CHROMIUM_PATH)) return { path: CHROMIUM_PATH };
  process.stderr.write(`${CHROMIUM_PATH} is missing: installing Debian's chromium with apt-get (once)\n`);
  try {
    execFileSync('apt-get', ['install', '-y', 'chromium'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: 600_000,
    });
  } catch (err) {
    return {
      skipReason: `Chromium is not installed and apt-get install -y chromium failed: ${(err as Error).message}`,
    };
  }
  return existsSync(CHROMIUM_PATH)
    ? { path: CHROMIUM_PATH }
    : { skipReason: `apt-get installed chromium but ${CHROMIUM_PATH} is still missing` };
}

/** Launch flags for this network: headless, no sandbox (root in a container), no background traffic. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage'];
