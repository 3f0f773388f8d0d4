/**
 * The season's floor: bare Temporal doing a date's activities and runs (as many as the pipeline's days recorded in
 * the same benchmark run) with no orchestration around them, on a fresh dev server, the same number of dates at the
 * same pace, its worker in a process of its own as the pipeline's is. What Temporal alone costs on this machine for
 * that much work per date.
 */
import { loadConfig } from '../../config/load';
import { createDevServerEnv } from '../../test/helpers/tools';
import { bundleInChild } from './bundle';
import { forEachDate } from './date-pool';
import { runHistories, taskCounts } from './history';
import { startInstantPlatform } from './instant-platform';
import { startCpuCount, type CpuSplit } from './process-cpu';
import { progress } from './progress';
import { mean } from './stats';
import type { SeasonFloorShape } from './season-floor-workflow';
import { startWorkerProcess } from './worker-process';

const TASK_QUEUE = 'bench-season-floor';
/** Activities at a time: about as many workflow tasks per date as the pipeline's days record (the report shows both). */
const FLOOR_WIDTH = 2;

/** The pipeline's work per date the floor repeats. */
export interface FloorWork {
  activitiesPerRun: number;
  runsPerDate: number;
}

export interface FloorRun extends FloorWork {
  dates: number;
  width: number;
  wallMs: number;
  cpu: CpuSplit;
  /** Per date, every run together. */
  events: number[];
  workflowTasks: number[];
  activities: number[];
}

/** The pipeline's mean work per date (activities and runs, per date): as many runs, its activities spread over them. */
export function floorShape(run: { activities: number[]; runs: number[] }): FloorWork {
  const runsPerDate = Math.max(1, Math.round(mean(run.runs)));
  return { runsPerDate, activitiesPerRun: Math.max(1, Math.round(mean(run.activities) / runsPerDate)) };
}

export async function measureSeasonFloor(gameDates: string[], shape: FloorWork): Promise<FloorRun> {
  const env = await createDevServerEnv();
  const stops: (() => Promise<unknown>)[] = [() => env.teardown()];
  try {
    const platform = await startInstantPlatform({ config: loadConfig({}), games: 0, dayNow: () => Date.now() });
    stops.push(() => platform.close());
    const worker = await startWorkerProcess({
      kind: 'season-floor',
      address: env.address,
      taskQueue: TASK_QUEUE,
      bundle: await bundleInChild(require.resolve('./season-floor-workflow'), 'season-floor'),
      callUrl: `${platform.url}/floor`,
    });
    stops.push(() => worker.stop());
    const cpuSpent = startCpuCount(worker.pid, env.address);
    const started = Date.now();
    let done = 0;
    await forEachDate(gameDates, async (gameDate) => {
      const args: SeasonFloorShape = {
        gameDate,
        activitiesPerRun: shape.activitiesPerRun,
        width: FLOOR_WIDTH,
        runsLeft: shape.runsPerDate,
      };
      const handle = await env.client.workflow.start('seasonFloorWorkflow', {
        taskQueue: TASK_QUEUE,
        workflowId: `season-floor-${gameDate}`,
        args: [args],
      });
      await handle.result();
      done += 1;
      if (done % 20 === 0 || done === gameDates.length) progress(`season floor: ${done}/${gameDates.length} dates`);
    });
    const wallMs = Date.now() - started;
    const cpu = cpuSpent();
    const run: FloorRun = {
      dates: gameDates.length,
      ...shape,
      width: FLOOR_WIDTH,
      wallMs,
      cpu,
      events: [],
      workflowTasks: [],
      activities: [],
    };
    for (const gameDate of gameDates) {
      const counts = taskCounts((await runHistories(env.client, `season-floor-${gameDate}`)).flat());
      run.events.push(counts.events);
      run.workflowTasks.push(counts.workflowTasks);
      run.activities.push(counts.activities);
    }
    return run;
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}
