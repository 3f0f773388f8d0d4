import type { Client } from '@temporalio/client';
import type { GamedayConfig } from '../config/schema';
import type { PipelineState } from '../domain/pipeline-state';
import { rerun, startOrAttach, type PipelineHandle } from '../clients/pipeline-client';
import { ProgressDiff, workflowUiUrl } from '../clients/progress';
import { pipelineStateQuery } from '../workflows/definitions';

const FINAL = new Set(['COMPLETE', 'NO_GAMES']);

/**
 * Starts (or attaches to) a date's pipeline, asks the platform's scraper controller to run the date,
 * and prints each change of phase until the workflow closes.
 */
export async function runDate(options: {
  client: Client;
  config: GamedayConfig;
  gameDate: string;
  platformUrl: string;
  uiUrl?: string;
  print: (line: string) => void;
  pollMs?: number;
}): Promise<PipelineState> {
  const { client, config, gameDate, print } = options;
  let handle: PipelineHandle;
  try {
    const { handle: h, started } = await startOrAttach(client, config, { gameDate });
    handle = h;
    print(started ? `started pipeline ${handle.workflowId}` : `attached to running pipeline ${handle.workflowId}`);
  } catch (err) {
    if (!/already ran/.test((err as Error).message)) throw err;
    handle = await rerun(client, config, { gameDate });
    print(`${gameDate} already ran on this server; started a new run of ${handle.workflowId}`);
  }
  const description = await handle.describe();
  if (options.uiUrl)
    print(
      `Temporal UI: ${workflowUiUrl(options.uiUrl, config.temporal.namespace, handle.workflowId, description.runId)}`,
    );

  const response = await fetch(`${options.platformUrl}/scrapers/run`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'idempotency-key': `${handle.workflowId}:${description.runId}:scrapers`,
    },
    body: JSON.stringify({ game_date: gameDate }),
  });
  if (!response.ok)
    throw new Error(`the local scraper controller answered ${response.status}: ${await response.text()}`);
  print(`scraper controller asked to run ${gameDate} (phases 1-2 publish their completions to the bridge)`);

  const progress = new ProgressDiff();
  const run = client.workflow.getHandle(handle.workflowId, description.runId);
  for (;;) {
    const closed = (await run.describe()).status.name !== 'RUNNING';
    const state = await run.query(pipelineStateQuery);
    for (const line of progress.next(state)) print(line);
    if (closed) {
      if (!FINAL.has(state.status)) {
        const failure = await run
          .result()
          .catch((err: Error) => (err.cause as Error | undefined)?.message ?? err.message);
        print(`pipeline ended ${state.status}: ${String(failure)}`);
      }
      return state;
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
  }
}

export function isSuccessful(state: PipelineState): boolean {
  return FINAL.has(state.status);
}
