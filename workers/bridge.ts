/**
 * The completion bridge process: `node dist/workers/bridge.js` (built) or `npx tsx workers/bridge.ts`; the Pub/Sub
 * push endpoint on config.bridge, with GET /healthz and /readyz. Temporal from the standard TEMPORAL_* env or
 * profile; JSON logs on stdout.
 */
import { loadConfig } from '../config/load';
import { connectClient, resolveTemporalTarget, withTemporalTarget } from '../clients/temporal-connection';
import { startBridge } from '../bridge/server';
import { startPulling } from '../bridge/pull';
import { bridgeLogLine } from './observability/bridge-log';
import { createLogger } from './observability/logger';

async function main(): Promise<void> {
  const loaded = loadConfig();
  const config = withTemporalTarget(loaded, resolveTemporalTarget(loaded));
  const logger = createLogger(config, 'bridge');
  const client = await connectClient(config);
  const bridge = await startBridge({ client, config, log: bridgeLogLine(logger) });
  const { subscriptions, maxMessages } = config.bridge.pull;
  const pull = subscriptions.length
    ? startPulling({
        bridge,
        pubsub: new (await import('@google-cloud/pubsub')).PubSub({ projectId: config.platform.projectId }),
        subscriptions,
        maxMessages,
        log: (line) => logger.warn(line),
      })
    : undefined;
  if (pull) logger.info({ subscriptions }, 'gameday bridge pulling');
  logger.info(
    { pushUrl: bridge.pushUrl, address: config.temporal.address, namespace: config.temporal.namespace },
    'gameday bridge running',
  );
  const stop = (signal: string) => {
    logger.info({ signal }, 'gameday bridge stopping');
    void Promise.resolve(pull?.close())
      .then(() => bridge.close())
      .then(() => client.connection.close())
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: Error) => {
  console.error(JSON.stringify({ level: 'error', component: 'bridge', message: `gameday bridge: ${err.message}` }));
  process.exit(1);
});
