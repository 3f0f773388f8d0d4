import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import {
  loadClientConfigProfile,
  toClientOptions,
  type ClientConfigProfile,
  type ClientConfigTLS,
} from '@temporalio/envconfig';
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

/** Where to connect: the standard Temporal profile (env, profile file) over Gameday's config. */
export interface TemporalTarget {
  address: string;
  namespace: string;
  /** The profile in use, when a profile file or TEMPORAL_PROFILE named one (for the start-up line). */
  profile?: string;
  options: ConnectionOptions;
}

/**
 * The Temporal connection through the standard environment configuration (`@temporalio/envconfig`): the profile
 * `TEMPORAL_PROFILE` (default `default`) of the TOML file `TEMPORAL_CONFIG_FILE` (default
 * `~/.config/temporalio/temporal.toml`), overridden by TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
 * TEMPORAL_TLS, TEMPORAL_TLS_CLIENT_CERT_PATH/_DATA, TEMPORAL_TLS_CLIENT_KEY_PATH/_DATA,
 * TEMPORAL_TLS_SERVER_CA_CERT_PATH/_DATA, TEMPORAL_TLS_SERVER_NAME and TEMPORAL_GRPC_META_*; then the explicit
 * overrides (CLI flags). What none of them sets comes from the Gameday config (`temporal.address`, `.namespace`).
 */
export function resolveTemporalTarget(
  config: GamedayConfig,
  env: NodeJS.ProcessEnv = process.env,
  overrides: ConnectionOverrides = {},
): TemporalTarget {
  const setEnv = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== ''),
  );
  let profile: ClientConfigProfile;
  try {
    profile = loadClientConfigProfile({ overrideEnvVars: setEnv });
  } catch (err) {
    throw new Error(`cannot load the Temporal client profile: ${(err as Error).message}`);
  }
  const tlsConfig: ClientConfigTLS | undefined =
    profile.tls || hasTlsOverrides(overrides)
      ? {
          ...profile.tls,
          ...(overrides.tls === undefined ? {} : { disabled: !overrides.tls }),
          ...(overrides.tlsCertPath ? { clientCert: { path: overrides.tlsCertPath } } : {}),
          ...(overrides.tlsKeyPath ? { clientKey: { path: overrides.tlsKeyPath } } : {}),
          ...(overrides.tlsCaPath ? { serverCACert: { path: overrides.tlsCaPath } } : {}),
          ...(overrides.tlsServerName ? { serverName: overrides.tlsServerName } : {}),
        }
      : undefined;
  if (Boolean(tlsConfig?.clientCert) !== Boolean(tlsConfig?.clientKey))
    throw new Error('a TLS client certificate needs its key, and a key its certificate');
  const apiKey = overrides.apiKey || profile.apiKey || undefined;
  let connect;
  try {
    connect = toClientOptions({ ...profile, apiKey, tls: tlsConfig });
  } catch (err) {
    throw new Error(`cannot read the TLS settings: ${(err as Error).message}`);
  }
  const address = connect.connectionOptions.address ?? config.temporal.address;
  return {
    address,
    namespace: connect.namespace ?? config.temporal.namespace,
    profile: setEnv.TEMPORAL_PROFILE,
    options: {
      address,
      tls: connect.connectionOptions.tls,
      apiKey,
      metadata: connect.connectionOptions.metadata,
      connectTimeout: overrides.connectTimeoutMs ?? '5 seconds',
    },
  };
}

function hasTlsOverrides(overrides: ConnectionOverrides): boolean {
  return (
    overrides.tls !== undefined ||
    Boolean(overrides.tlsCertPath || overrides.tlsKeyPath || overrides.tlsCaPath || overrides.tlsServerName)
  );
}

/** The connection options of `resolveTemporalTarget`. */
export function temporalConnectionOptions(
  config: GamedayConfig,
  env: NodeJS.ProcessEnv = process.env,
  overrides: ConnectionOverrides = {},
): ConnectionOptions {
  return resolveTemporalTarget(config, env, overrides).options;
}

/** The config with the address and namespace it connects to (the profile's, where it sets them). */
export function withTemporalTarget(config: GamedayConfig, target: TemporalTarget): GamedayConfig {
  return { ...config, temporal: { ...config.temporal, address: target.address, namespace: target.namespace } };
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
  const target = resolveTemporalTarget(config, env, overrides);
  let connection: Connection;
  try {
    connection = await Connection.connect(target.options);
  } catch (err) {
    throw new Error(`cannot reach the Temporal server at ${target.address}: ${(err as Error).message}`);
  }
  return new Client({ connection, namespace: target.namespace, identity: overrides.identity });
}
