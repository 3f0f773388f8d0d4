import { Client, Connection } from '@temporalio/client';
import type { GamedayConfig } from '../config/schema';

/**
 * Connects to the configured Temporal server: a local dev server, a self-hosted cluster or Temporal Cloud.
 * TLS and the API key come from the environment (TEMPORAL_TLS=1, TEMPORAL_API_KEY), never from workflow data.
 */
export async function connectClient(config: GamedayConfig, env: NodeJS.ProcessEnv = process.env): Promise<Client> {
  const apiKey = env.TEMPORAL_API_KEY || undefined;
  const tls = env.TEMPORAL_TLS === '1' || env.TEMPORAL_TLS === 'true' || apiKey !== undefined;
  let connection: Connection;
  try {
    connection = await Connection.connect({
      address: config.temporal.address,
      tls,
      apiKey,
      connectTimeout: '5 seconds',
    });
  } catch (err) {
    throw new Error(`cannot reach the Temporal server at ${config.temporal.address}: ${(err as Error).message}`);
  }
  return new Client({ connection, namespace: config.temporal.namespace });
}
