/**
 * The whole stack of a failure-mode test: the embedded local stack of `npm start` (Temporal dev server, the pipeline
 * worker, the completion bridge, the local platform living the date's day in a scenario), on random ports, without
 * the BigQuery emulator (the gates then pass and games come from the platform's /schedule), its day clock starting at
 * `startsAt` of the date and running `1 / timeScale` times faster than real time.
 */
import type { DayState } from '../../contracts/state';
import { pipelineStateQuery } from '../../contracts/workflow-api';
import type { PlatformEvent, RequestEvent, RunEvent, Scenario } from '../../local-platform';
import { startLocalStack, type LocalStack } from '../../scripts/lib/local-stack';
import { runDate } from '../../scripts/run-date';
import { quietRuntime } from '../helpers/tools';

export async function startScenarioStack(
  scenario: Scenario,
  gameDate: string,
  options: { timeScale?: number; startsAt?: string; log?: (line: string) => void } = {},
): Promise<LocalStack> {
  quietRuntime();
  return startLocalStack({
    scenario,
    persistent: false,
    randomPorts: true,
    warehouse: false,
    dayOf: gameDate,
    env: { GAMEDAY_TIME_SCALE: String(options.timeScale ?? 1 / 2400) },
    overrides: options.startsAt ? { localStack: { startsAt: options.startsAt } } : undefined,
    log: options.log,
  });
}

/**
 * Starts the date's workflow as `npm start` does and returns its final state once the day is over, with the progress
 * lines `npm start` prints; throws with those lines when the day has not ended after `timeoutMs`.
 */
export async function liveTheDay(
  stack: LocalStack,
  gameDate: string,
  timeoutMs = 240_000,
): Promise<{ state: DayState; lines: string[] }> {
  const lines: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the day of ${gameDate} did not end in ${timeoutMs} ms:\n${lines.slice(-40).join('\n')}`)),
      timeoutMs,
    );
  });
  try {
    const state = await Promise.race([
      runDate({
        client: stack.client,
        config: stack.config,
        gameDate,
        platformUrl: stack.platform.url,
        print: (line) => lines.push(line),
        pollMs: 200,
      }),
      timeout,
    ]);
    return { state, lines };
  } finally {
    clearTimeout(timer);
  }
}

/** The date's state now (undefined between two runs of the day, or while it starts). */
export async function stateOf(stack: LocalStack, gameDate: string): Promise<DayState | undefined> {
  return (await stack.client.workflow
    .getHandle(`${stack.config.temporal.workflowIdPrefix}${gameDate}`)
    .query(pipelineStateQuery)
    .catch(() => undefined)) as DayState | undefined;
}

export const requests = (events: PlatformEvent[], prefix: string): RequestEvent[] =>
  events.filter((e): e is RequestEvent => e.type === 'request' && e.path.startsWith(prefix));

export const runs = (events: PlatformEvent[], phase: number, gameDate: string): RunEvent[] =>
  events.filter((e): e is RunEvent => e.type === 'run' && e.phase === phase && e.gameDate === gameDate);
