/** The pipeline worker process: `npx tsx workers/worker.ts` (config from env / GAMEDAY_CONFIG). */
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../config/load';
import { temporalConnectionOptions } from '../clients/temporal-connection';
import { createPipelineWorker } from './pipeline-worker';

async function main(): Promise<void> {
  const config = loadConfig();
  // The same TLS / API key / mTLS settings as every client (the standard TEMPORAL_* variables).
  const { address, tls, apiKey } = temporalConnectionOptions(config);
  const connection = await NativeConnection.connect({
    address,
    tls,
    apiKey: typeof apiKey === 'string' ? apiKey : undefined,
  });
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
