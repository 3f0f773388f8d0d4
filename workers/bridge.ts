/** The completion bridge process: `npx tsx workers/bridge.ts` (Pub/Sub push endpoint on config.bridge). */
import { loadConfig } from '../config/load';
import { connectClient } from '../clients/temporal-connection';
import { startBridge } from '../bridge/server';

async function main(): Promise<void> {
  const config = loadConfig();
  const client = await connectClient(config);
  const bridge = await startBridge({ client, config, log: (line) => console.log(line) });
  console.log(`gameday bridge: POST ${bridge.pushUrl} -> Temporal ${config.temporal.address}`);
  const stop = () => {
    void bridge.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: Error) => {
  console.error(`gameday bridge: ${err.message}`);
  process.exit(1);
});
