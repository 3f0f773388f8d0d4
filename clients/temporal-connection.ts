import { readFileSync } from 'node:fs';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import type { GamedayConfig } from '../config/schema';

/** Connection settings beyond the config's address and namespace; each falls back to the standard Temporal env variable. */
export interface ConnectionOverrides {
  apiKey?: string;
  /** true/false forces TLS on or off; undefined follows TEMPORAL_TLS (and an API key implies TLS). */
  tls?: boolean;
  tlsCertPath?: string;
  tlsKeyPath?: string;
  tlsCaPath?: string;
  tlsServerName?: string;
  /** Recorded as the identity of every request (e.g. `oncall@host (gameday cli)`). */
  identity?: string;
  connectTimeoutMs?: number;
}

function readPem(path: string | undefined, data: string | undefined, what: string): Uint8Array | undefined {
  if (data) return Buffer.from(data);
  if (!path) return undefined;
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`cannot read the TLS ${what} ${path}: ${(err as Error).message}`);
  }
}

/**
 * The connection options: API key and TLS from the overrides, else the standard variables TEMPORAL_API_KEY,
 * TEMPORAL_TLS, TEMPORAL_TLS_CLIENT_CERT_PATH/_DATA, TEMPORAL_TLS_CLIENT_KEY_PATH/_DATA,
 * TEMPORAL_TLS_SERVER_CA_CERT_PATH/_DATA and TEMPORAL_TLS_SERVER_NAME.
 */
export function temporalConnectionOptions(
  config: GamedayConfig,
  env: NodeJS.ProcessEnv = process.env,
  overrides: ConnectionOverrides = {},
): ConnectionOptions {
  const apiKey = overrides.apiKey || env.TEMPORAL_API_KEY || undefined;
  const cert = readPem(
    overrides.tlsCertPath ?? env.TEMPORAL_TLS_CLIENT_CERT_PATH,
    env.TEMPORAL_TLS_CLIENT_CERT_DATA,
    'client certificate',
  );
  const key = readPem(
    overrides.tlsKeyPath ?? env.TEMPORAL_TLS_CLIENT_KEY_PATH,
    env.TEMPORAL_TLS_CLIENT_KEY_DATA,
    'client key',
  );
  const ca = readPem(
    overrides.tlsCaPath ?? env.TEMPORAL_TLS_SERVER_CA_CERT_PATH,
    env.TEMPORAL_TLS_SERVER_CA_CERT_DATA,
    'server CA certificate',
  );
  if (Boolean(cert) !== Boolean(key))
    throw new Error('a TLS client certificate needs its key, and a key its certificate');
  const serverName = overrides.tlsServerName || env.TEMPORAL_TLS_SERVER_NAME || undefined;
  const envTls = env.TEMPORAL_TLS === '1' || env.TEMPORAL_TLS === 'true';
  const tlsOn =
    overrides.tls ??
    (envTls || apiKey !== undefined || cert !== undefined || ca !== undefined || serverName !== undefined);
  const tls =
    tlsOn && (cert || ca || serverName)
      ? {
          serverNameOverride: serverName,
          serverRootCACertificate: ca,
          clientCertPair: cert && key ? { crt: cert, key } : undefined,
        }
      : tlsOn;
  return {
    address: config.temporal.address,
    tls,
    apiKey,
    connectTimeout: overrides.connectTimeoutMs ?? '5 seconds',
  };
}

/**
 * Connects to the configured Temporal server: a local dev server, a self-hosted cluster or Temporal Cloud.
 * TLS and the API key come from the environment (TEMPORAL_TLS=1, TEMPORAL_API_KEY), never from workflow data.
 */
export async function connectClient(
  config: GamedayConfig,
  env: NodeJS.ProcessEnv = process.env,
  overrides: ConnectionOverrides = {},
): Promise<Client> {
  const options = temporalConnectionOptions(config, env, overrides);
  let connection: Connection;
  try {
    connection = await Connection.connect(options);
  } catch (err) {
    throw new Error(`cannot reach the Temporal server at ${config.temporal.address}: ${(err as Error).message}`);
  }
  return new Client({ connection, namespace: config.temporal.namespace, identity: overrides.identity });
}
