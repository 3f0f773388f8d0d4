/**
 * The season's bare-Temporal floor: a date's activities and runs with nothing around them. Each run makes its share
 * of the activities `width` at a time (each one HTTP call, as the pipeline's activities are), then continues as new.
 */
import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { FloorActivities } from './floor-workflow';

export interface SeasonFloorShape {
  gameDate: string;
  activitiesPerRun: number;
  /** Activities at a time. */
  width: number;
  /** This run and the ones still to come. */
  runsLeft: number;
}

const { callPlatform } = proxyActivities<FloorActivities>({ startToCloseTimeout: '1 minute' });

export async function seasonFloorWorkflow(shape: SeasonFloorShape): Promise<void> {
  for (let done = 0; done < shape.activitiesPerRun; done += shape.width) {
    const width = Math.min(shape.width, shape.activitiesPerRun - done);
    await Promise.all(Array.from({ length: width }, () => callPlatform(shape.gameDate)));
  }
  if (shape.runsLeft > 1) await continueAsNew<typeof seasonFloorWorkflow>({ ...shape, runsLeft: shape.runsLeft - 1 });
}
