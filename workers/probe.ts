/**
 * A container healthcheck without curl: `node dist/workers/probe.js worker|bridge [healthz|readyz]` asks the
 * process in the same container on the port of the config (the same env the process has), exit 0 when it is 200.
 */
import { loadConfig } from '../config/load';

async function main(): Promise<number> {
  const [what, probe = 'readyz'] = process.argv.slice(2);
  if ((what !== 'worker' && what !== 'bridge') || (probe !== 'healthz' && probe !== 'readyz')) {
    console.error('usage: probe worker|bridge [healthz|readyz]');
    return 2;
  }
  const config = loadConfig();
  const port = what === 'worker' ? config.worker.healthPort : config.bridge.port;
  const response = await fetch(`http://127.0.0.1:${port}/${probe}`, { signal: AbortSignal.timeout(4000) });
  if (!response.ok) console.error(`${what} /${probe}: ${response.status} ${await response.text()}`);
  return response.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`probe failed: ${err.message}`);
    process.exit(1);
  },
);
