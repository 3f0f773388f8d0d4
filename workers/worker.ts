/** The pipeline worker process: `npx tsx workers/worker.ts` (config from env / GAMEDAY_CONFIG). */
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../config/load';
import { createPipelineWorker } from './pipeline-worker';

async function main(): Promise<void> {
  const config = loadConfig();
  const apiKey = process.env.TEMPORAL_API_KEY || undefined;
  const tls = process.env.TEMPORAL_TLS === '1' || process.env.TEMPORAL_TLS === 'true' || apiKey !== undefined;
  const connection = await NativeConnection.connect({ address: config.temporal.address, tls, apiKey });
  const worker = await createPipelineWorker({ config, connection });
  console.log(
    `gameday worker on ${config.temporal.address}, namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue}`,
  );
  await worker.run();
  await connection.close();
}

main().catch((err: Error) => {
  console.error(`gameday worker: ${err.message}`);
  process.exit(1);
});
