/** Runs one date's day on a stack: starts (or reruns) its workflow, lets the platform live its day, prints each change. */
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { GamedayConfig } from '../config/schema';
import { SUCCESSFUL_DAY_STATUSES, type DayState } from '../contracts/state';
import { pipelineStateQuery } from '../contracts/workflow-api';
import { rerun, startOrAttach, type PipelineHandle } from '../clients/pipeline-client';
import { ProgressDiff } from '../clients/progress';
import { virtualNow } from '../domain/clock';
import { formatTimeET } from '../domain/dates';
import { workflowUiUrl } from '../domain/links';

export async function runDate(options: {
  client: Client;
  config: GamedayConfig;
  gameDate: string;
  platformUrl: string;
  uiUrl?: string;
  print: (line: string) => void;
  pollMs?: number;
}): Promise<DayState> {
  const { client, config, gameDate, print } = options;
  let handle: PipelineHandle;
  const existing = await client.workflow
    .getHandle(`${config.temporal.workflowIdPrefix}${gameDate}`)
    .describe()
    .catch((err: unknown) => {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    });
  if (existing) {
    handle = await rerun(client, config, { gameDate, startedBy: 'npm start' });
    print(`${gameDate} ran on this server before (${existing.status.name}); started a new run of ${handle.workflowId}`);
  } else {
    ({ handle } = await startOrAttach(client, config, { gameDate, startedBy: 'npm start' }));
    print(`started the day of ${gameDate}: workflow ${handle.workflowId}`);
  }
  if (options.uiUrl)
    print(`Temporal UI: ${workflowUiUrl(options.uiUrl, config.temporal.namespace, handle.workflowId)}`);
  const response = await fetch(`${options.platformUrl}/_local/days`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ game_date: gameDate }),
  });
  if (!response.ok) throw new Error(`the local platform answered ${response.status}: ${await response.text()}`);

  const progress = new ProgressDiff(config.timeZone);
  const latest = client.workflow.getHandle(handle.workflowId);
  for (;;) {
    const description = await latest.describe();
    const closed = description.status.name !== 'RUNNING';
    let state: DayState | undefined;
    try {
      state =
        closed && description.status.name === 'COMPLETED'
          ? ((await latest.result()) as DayState)
          : await latest.query(pipelineStateQuery);
    } catch {
      state = undefined; // between two runs of the day (continue-as-new), or starting
    }
    if (state) {
      const dayTime = `[${formatTimeET(virtualNow(state.clock, Date.now()), config.timeZone)}]`;
      for (const line of progress.next(state)) print(`${dayTime} ${line}`);
    }
    if (closed) {
      if (!state) throw new Error(`the day of ${gameDate} ended ${description.status.name}`);
      return state;
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
  }
}

export function isSuccessful(state: DayState): boolean {
  return SUCCESSFUL_DAY_STATUSES.includes(state.status);
}
