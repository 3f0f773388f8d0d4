/**
 * `npm start`: the embedded local stack (Temporal dev server + UI, worker, bridge, local platform, BigQuery emulator)
 * and one game date's whole day, D-1 17:00 to D+1 09:00 ET, compressed into a few minutes, with progress.
 *   npm start                                  the demo date, then stays up for the UI until Ctrl-C
 *   npm start -- --date 2026-01-15 --exit      one date; exit 0 when its day completed, 1 otherwise
 *   npm start -- --scenario incident           the 2025-12-29 incident: the overnight partial trigger
 */
import { parseArgs } from 'node:util';
import { assertGameDate } from '../domain/dates';
import { loadConfig } from '../config/load';
import { SCENARIOS } from '../local-platform';
import { startLocalStack } from './lib/local-stack';
import { watchChildren } from './lib/watchdog';
import { isSuccessful, runDate } from './run-date';

const EXIT_USAGE = 3;

function parseCommandLine() {
  const { values } = parseArgs({
    options: {
      date: { type: 'string' },
      scenario: { type: 'string', default: 'happy' },
      exit: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  return values;
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parseCommandLine>;
  try {
    args = parseCommandLine();
  } catch (err) {
    console.error(`npm start: ${(err as Error).message}`);
    return EXIT_USAGE;
  }
  if (args.help) {
    console.log(
      `usage: npm start -- [--date YYYY-MM-DD] [--scenario ${Object.keys(SCENARIOS).join('|')}] [--exit] [--verbose]`,
    );
    return 0;
  }
  let gameDate: string;
  try {
    const config = loadConfig();
    gameDate = assertGameDate(args.date ?? config.localStack.demoDate, '--date');
    if (!SCENARIOS[args.scenario]) {
      throw new Error(`unknown scenario "${args.scenario}": expected one of ${Object.keys(SCENARIOS).join(', ')}`);
    }
  } catch (err) {
    console.error(`npm start: ${(err as Error).message}`);
    return EXIT_USAGE;
  }
  const scenario = SCENARIOS[args.scenario];
  const print = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);
  print(`starting the local stack (scenario ${scenario.name}: ${scenario.description ?? ''})`);
  watchChildren();
  const stack = await startLocalStack({
    scenario,
    persistent: true,
    dayOf: gameDate,
    log: args.verbose ? print : undefined,
    progress: print,
  });
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    print('stopping the worker, bridge, local platform and Temporal dev server');
    await stack.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(130));
  process.on('SIGTERM', () => void stop(143));
  print(
    `Temporal ${stack.config.temporal.address}, UI ${stack.uiUrl}, bridge ${stack.bridge.pushUrl}, platform ${stack.platform.url}`,
  );
  print(
    stack.warehouseEndpoint
      ? `warehouse: BigQuery emulator ${stack.warehouseEndpoint} (games, gates and the execution log are real queries)`
      : 'warehouse: off (the BigQuery emulator is not installed: run `npm run setup`)',
  );
  if (stack.terminatedLeftovers.length) {
    print(
      `terminated ${stack.terminatedLeftovers.length} run(s) left by an interrupted npm start: ${stack.terminatedLeftovers.join(', ')}`,
    );
  }
  const hours = 40;
  print(
    `the day's clock runs ${Math.round(1 / stack.config.timeScale)} times faster: ${gameDate}'s ${hours} hours take about ${Math.round(hours * 60 * stack.config.timeScale)} min ([..] is the day's time, ET)`,
  );
  try {
    const state = await runDate({
      client: stack.client,
      config: stack.config,
      gameDate,
      platformUrl: stack.platform.url,
      uiUrl: stack.uiUrl,
      print,
    });
    const ok = isSuccessful(state);
    print(`${gameDate}: ${state.status}${ok ? '' : ' (not completed)'}`);
    if (args.exit) {
      await stop(ok ? 0 : 1);
      return ok ? 0 : 1;
    }
    print(`the stack stays up for inspection: ${stack.uiUrl}  (Ctrl-C stops everything)`);
    await new Promise(() => undefined);
    return 0;
  } catch (err) {
    // Ctrl-C tears the stack down under the running day: that stop decides the exit code (130), not this error.
    if (stopping) return new Promise<number>(() => undefined);
    print(`error: ${(err as Error).message}`);
    await stop(2);
    return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`npm start: ${err.message}`);
    process.exit(2);
  },
);
