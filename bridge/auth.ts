/**
 * Who may post to the bridge. Pub/Sub push requests carry a Google-signed OIDC token of the subscription's service
 * account: its signature, expiry, audience, issuer and verified email are checked before anything is read.
 * `static-bearer` (a shared token from the environment) and `none` exist for the local stack only, and only on a
 * loopback address. A rejected request gets 401 (no or bad token) or 403 (a good token of the wrong account) and
 * never becomes a signal: Pub/Sub redelivers it, which is right for a misconfigured subscription.
 */
import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { OAuth2Client, type Certificates } from 'google-auth-library';
import type { GamedayConfig } from '../config/schema';

export type BridgeAuthMode = GamedayConfig['bridge']['auth']['mode'];

/** Google's issuers of OIDC tokens (Pub/Sub push uses the first). */
export const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];

/** The environment variable holding the static bearer token (never in the config file or workflow arguments). */
export const BRIDGE_TOKEN_ENV = 'GAMEDAY_BRIDGE_TOKEN';

export type AuthVerdict = { ok: true; principal: string } | { ok: false; status: 401 | 403; reason: string };

export interface PushAuthenticator {
  mode: BridgeAuthMode;
  check(authorization: string | undefined): Promise<AuthVerdict>;
}

export interface PushAuthDeps {
  /** Signing certificates by key ID (default: Google's, fetched and cached by google-auth-library). */
  certs?: () => Promise<Certificates>;
  env?: NodeJS.ProcessEnv;
}

export class BridgeAuthConfigError extends Error {
  override name = 'BridgeAuthConfigError';
}

/** Throws BridgeAuthConfigError when the mode may not serve this host, or a setting it needs is missing. */
export function createPushAuthenticator(
  config: GamedayConfig,
  host: string,
  deps: PushAuthDeps = {},
): PushAuthenticator {
  const auth = config.bridge.auth;
  const env = deps.env ?? process.env;
  if (auth.mode !== 'oidc' && !isLoopback(host)) {
    throw new BridgeAuthConfigError(
      `bridge.auth.mode "${auth.mode}" is for the local stack only and the bridge would listen on ${host}: ` +
        `use bridge.auth.mode "oidc" (with bridge.auth.audience and bridge.auth.pushServiceAccount), or a loopback host`,
    );
  }
  if (auth.mode === 'none') return { mode: 'none', check: () => Promise.resolve({ ok: true, principal: 'anyone' }) };
  if (auth.mode === 'static-bearer') {
    const token = env[BRIDGE_TOKEN_ENV];
    if (!token) throw new BridgeAuthConfigError(`bridge.auth.mode "static-bearer" needs ${BRIDGE_TOKEN_ENV} set`);
    return { mode: 'static-bearer', check: (header) => Promise.resolve(checkStaticBearer(header, token)) };
  }
  const { audience, pushServiceAccount } = auth;
  if (!audience || !pushServiceAccount) {
    throw new BridgeAuthConfigError(
      'bridge.auth.mode "oidc" needs bridge.auth.audience and bridge.auth.pushServiceAccount',
    );
  }
  const client = new OAuth2Client();
  const certs = deps.certs ?? (async () => (await client.getFederatedSignonCertsAsync()).certs);
  return {
    mode: 'oidc',
    check: (header) => checkOidc(client, header, { audience, account: pushServiceAccount, certs }),
  };
}

async function checkOidc(
  client: OAuth2Client,
  header: string | undefined,
  expected: { audience: string; account: string; certs: () => Promise<Certificates> },
): Promise<AuthVerdict> {
  const token = bearerToken(header);
  if (!token) return { ok: false, status: 401, reason: 'no bearer token' };
  let payload;
  try {
    const ticket = await client.verifySignedJwtWithCertsAsync(
      token,
      await expected.certs(),
      expected.audience,
      GOOGLE_ISSUERS,
    );
    payload = ticket.getPayload();
  } catch (err) {
    return { ok: false, status: 401, reason: `invalid token: ${firstLine((err as Error).message)}` };
  }
  if (!payload?.email) return { ok: false, status: 403, reason: 'the token names no service account' };
  if (payload.email_verified !== true) return { ok: false, status: 403, reason: `${payload.email} is not verified` };
  if (payload.email.toLowerCase() !== expected.account.toLowerCase()) {
    return { ok: false, status: 403, reason: `${payload.email} is not the push service account` };
  }
  return { ok: true, principal: payload.email };
}

function checkStaticBearer(header: string | undefined, token: string): AuthVerdict {
  const given = bearerToken(header);
  if (!given) return { ok: false, status: 401, reason: 'no bearer token' };
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, status: 401, reason: 'wrong bearer token' };
  return { ok: true, principal: 'static-bearer' };
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** Token errors quote the whole token: keep the reason short and free of it. */
function firstLine(message: string): string {
  return message.split(':')[0].slice(0, 120);
}

export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1';
  return false;
}
