/**
 * NODE_EXTRA_CA_CERTS, deferred. Node parses every certificate of that file when it starts, whether or not the
 * command opens a TLS connection: a system bundle costs tens of milliseconds of every `gameday` command (more than
 * `gameday status` itself over a local HTTP API). The `gameday` launcher on PATH (.tools/bin/gameday, written by
 * scripts/setup.mjs) moves the variable to GAMEDAY_EXTRA_CA_CERTS; the CLI puts it back for the processes it starts
 * and, before its first TLS connection, adds the file's certificates to the roots every TLS context trusts by
 * default, as Node would have.
 */
import { readFileSync } from 'node:fs';

export const DEFERRED_EXTRA_CA_CERTS = 'GAMEDAY_EXTRA_CA_CERTS';

let deferredFile: string | undefined;
let trusted = false;

/** At start-up: takes the deferred file, if any, and restores NODE_EXTRA_CA_CERTS for child processes. */
export function takeDeferredExtraCaCerts(env: NodeJS.ProcessEnv = process.env): void {
  const file = env[DEFERRED_EXTRA_CA_CERTS];
  delete env[DEFERRED_EXTRA_CA_CERTS];
  if (!file || env.NODE_EXTRA_CA_CERTS) return;
  env.NODE_EXTRA_CA_CERTS = file;
  deferredFile = file;
}

/**
 * Before a TLS connection: a TLS context built without its own `ca` (https, gRPC, the Google clients) trusts Node's
 * bundled roots and the deferred file's certificates. An unreadable file is a warning and changes nothing, as Node's.
 */
export function trustDeferredExtraCaCerts(): void {
  if (!deferredFile || trusted) return;
  trusted = true;
  let extra: string;
  try {
    extra = readFileSync(deferredFile, 'utf8');
  } catch (err) {
    process.emitWarning(`Ignoring extra certs from \`${deferredFile}\`, load failed: ${(err as Error).message}`);
    return;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tls = require('node:tls') as typeof import('node:tls');
  const ca = [...tls.rootCertificates, extra];
  const createSecureContext = tls.createSecureContext;
  tls.createSecureContext = (options) => createSecureContext(options?.ca === undefined ? { ...options, ca } : options);
}
