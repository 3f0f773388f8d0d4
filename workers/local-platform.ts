/**
 * The local platform as a process: a stand-in for the platform's Cloud Run services on one port.
 *
 *   tsx workers/local-platform.ts [--scenario NAME|FILE.json] [--publish-url URL]
 *
 * Listens on the host/port of config.platform.scheduleUrl; pushes completion messages to --publish-url,
 * else $GAMEDAY_BRIDGE_PUSH_URL, else http://{bridge.host}:{bridge.port}/pubsub/push.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load';
import { SCENARIOS, startLocalPlatform, validateScenario, type Scenario } from '../local-platform';

function loadScenario(nameOrFile: string): Scenario {
  if (nameOrFile.endsWith('.json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(nameOrFile, 'utf8'));
    } catch (err) {
      throw new Error(`cannot read scenario file ${nameOrFile}: ${(err as Error).message}`);
    }
    return validateScenario(parsed);
  }
  const scenario = SCENARIOS[nameOrFile];
  if (!scenario)
    throw new Error(
      `unknown scenario "${nameOrFile}": expected one of ${Object.keys(SCENARIOS).join(', ')} or a .json file`,
    );
  return scenario;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: 'happy' },
      'publish-url': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      `usage: local-platform [--scenario NAME|FILE.json] [--publish-url URL]\nscenarios:\n${Object.values(SCENARIOS)
        .map((s) => `  ${s.name.padEnd(18)}${s.description ?? ''}`)
        .join('\n')}\n`,
    );
    return;
  }
  const config = loadConfig();
  const scenario = loadScenario(values.scenario ?? 'happy');
  const publishUrl =
    values['publish-url'] ||
    process.env.GAMEDAY_BRIDGE_PUSH_URL ||
    `http://${config.bridge.host}:${config.bridge.port}/pubsub/push`;
  const log = (line: string): void => {
    process.stdout.write(`${new Date().toISOString()} [local-platform] ${line}\n`);
  };
  const platform = await startLocalPlatform({ config, scenario, publishUrl, log });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: closing`);
    platform.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`local-platform: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
