/** The bare-Temporal floor: a workflow that waits for one signal, then runs one activity making one HTTP call. */
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';

export const goSignal = defineSignal('go');

export interface FloorActivities {
  callPlatform(id: string): Promise<void>;
}

const { callPlatform } = proxyActivities<FloorActivities>({ startToCloseTimeout: '1 minute' });

export async function floorWorkflow(id: string): Promise<void> {
  let go = false;
  setHandler(goSignal, () => {
    go = true;
  });
  await condition(() => go);
  await callPlatform(id);
}
