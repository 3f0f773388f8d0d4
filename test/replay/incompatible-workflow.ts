/**
 * A `gameDatePipeline` whose first command differs from the real one (a timer before the settings activity): the
 * change a careless deploy makes. The replay test proves that the recorded histories catch it.
 */
import { sleep } from '@temporalio/workflow';

export async function gameDatePipeline(): Promise<void> {
  await sleep('1 minute');
}
