/** Whether a command reads Temporal over the HTTP API, and where: the config's `temporal.httpAddress`. */
import type { TemporalTarget } from '../../clients/temporal-connection';
import { DEFAULT_CONFIG } from '../../config/defaults';
import type { GamedayConfig } from '../../config/schema';
import type { HttpTarget } from './api';

const buffer = (bytes?: Uint8Array): Buffer | undefined => (bytes ? Buffer.from(bytes) : undefined);

export interface HttpChoice {
  target: HttpTarget;
  /** The default (local stack) address, not one set for this server: if it refuses, gRPC answers instead. */
  fallback: boolean;
}

/**
 * The HTTP API to use, or undefined for gRPC: none configured, or the default HTTP address (the local stack's) with
 * another gRPC address. TLS, the API key and the client certificate are the gRPC connection's.
 */
export function httpChoice(config: GamedayConfig, target: TemporalTarget): HttpChoice | undefined {
  const address = config.temporal.httpAddress;
  if (!address) return undefined;
  const isDefault = address === DEFAULT_CONFIG.temporal.httpAddress;
  if (isDefault && target.address !== DEFAULT_CONFIG.temporal.address) return undefined;
  const tls = target.options.tls;
  const files = typeof tls === 'object' && tls !== null ? tls : undefined;
  const apiKey = typeof target.options.apiKey === 'string' ? target.options.apiKey : undefined;
  const headers = Object.fromEntries(
    Object.entries(target.options.metadata ?? {}).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
  // As the gRPC connection: TLS when asked for, else with an API key unless turned off.
  const secure = tls === undefined || tls === null ? Boolean(apiKey) : Boolean(tls);
  return {
    target: {
      address,
      namespace: target.namespace,
      tls: secure,
      apiKey,
      headers,
      tlsFiles: files && {
        cert: buffer(files.clientCertPair?.crt),
        key: buffer(files.clientCertPair?.key),
        ca: buffer(files.serverRootCACertificate),
        servername: files.serverNameOverride,
      },
    },
    fallback: isDefault,
  };
}
