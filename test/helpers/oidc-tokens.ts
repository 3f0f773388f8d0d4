/**
 * Google-style OIDC tokens signed by a key made here: an RSA key and its self-signed X.509 certificate (openssl,
 * else the bare public key, which google-auth-library verifies the same way). Nothing calls Google.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSelfSigned } from './self-signed';

export interface TestSigner {
  kid: string;
  /** Certificates by key ID, as Google publishes them. */
  certs: Record<string, string>;
  token(claims: Record<string, unknown>, options?: { kid?: string; alg?: string; unsigned?: boolean }): string;
}

export function testSigner(kid = 'test-key-1'): TestSigner {
  const { privateKey, pem } = keyAndCertificate();
  return {
    kid,
    certs: { [kid]: pem },
    token(claims, options = {}) {
      const header = { alg: options.alg ?? 'RS256', typ: 'JWT', kid: options.kid ?? kid };
      const signed = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
      if (options.unsigned) return `${signed}.`;
      return `${signed}.${sign('RSA-SHA256', Buffer.from(signed), privateKey).toString('base64url')}`;
    },
  };
}

/** The claims of a Pub/Sub push token, valid for an hour from now. */
export function pushClaims(audience: string, email: string, overrides: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: 'https://accounts.google.com',
    aud: audience,
    azp: '1234567890',
    sub: '1234567890',
    email,
    email_verified: true,
    iat: now - 10,
    exp: now + 3590,
    ...overrides,
  };
}

function keyAndCertificate(): { privateKey: KeyObject | string; pem: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-oidc-'));
  try {
    writeSelfSigned({ key: join(dir, 'key.pem'), cert: join(dir, 'cert.pem') }, '/CN=gameday-test', 1);
    return { privateKey: readFileSync(join(dir, 'key.pem'), 'utf8'), pem: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } catch {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return { privateKey: pair.privateKey, pem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function b64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}
