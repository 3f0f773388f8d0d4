/**
 * Bridge authentication: a Pub/Sub push is read only with a valid Google OIDC token of the push service account
 * (signature, expiry, audience, issuer, verified email); anything else is 401/403 and never a signal. Keys and
 * certificates are made here; nothing calls Google. The local-only modes refuse a non-loopback host.
 */
import type { Client } from '@temporalio/client';
import { BridgeAuthConfigError, createPushAuthenticator } from '../../bridge/auth';
import { startBridge, type BridgeServer } from '../../bridge/server';
import { loadConfig } from '../../config/load';
import type { GamedayConfig } from '../../config/schema';
import { completion } from '../helpers/messages';
import { pushClaims, testSigner, type TestSigner } from '../helpers/oidc-tokens';

const AUDIENCE = 'https://gameday-bridge.example.run.app/pubsub/push';
const PUSH_ACCOUNT = 'pubsub-push@nba-props-platform.iam.gserviceaccount.com';

let signer: TestSigner;
let config: GamedayConfig;
let bridge: BridgeServer;
const signals: unknown[] = [];

/** A Temporal client that records the signals the bridge sends. */
const recordingClient = {
  withDeadline: <T>(_deadline: number, fn: () => Promise<T>) => fn(),
  workflow: {
    getHandle: (workflowId: string) => ({
      signal: (...args: unknown[]) => {
        signals.push({ workflowId, args });
        return Promise.resolve();
      },
    }),
    signalWithStart: (_type: string, options: { workflowId: string }) => {
      signals.push(options);
      return Promise.resolve({ workflowId: options.workflowId, signaledRunId: 'run-1' });
    },
  },
} as unknown as Client;

function oidcConfig(host = '127.0.0.1'): GamedayConfig {
  return loadConfig(
    {},
    { bridge: { host, port: 0, auth: { mode: 'oidc', audience: AUDIENCE, pushServiceAccount: PUSH_ACCOUNT } } },
  );
}

function pushBody(data: unknown, messageId: string) {
  return {
    message: {
      data: Buffer.from(typeof data === 'string' ? data : JSON.stringify(data)).toString('base64'),
      messageId,
      publishTime: new Date().toISOString(),
    },
    subscription: `projects/nba-props-platform/subscriptions/${config.topics[3]}-gameday`,
  };
}

async function post(token: string | undefined, body: unknown) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const res = await fetch(bridge.pushUrl, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  signer = testSigner();
  config = oidcConfig();
  bridge = await startBridge({
    client: recordingClient,
    config,
    auth: { certs: () => Promise.resolve(signer.certs) },
  });
});

afterAll(async () => {
  await bridge?.close();
});

beforeEach(() => {
  signals.length = 0;
});

const today = () => new Date().toISOString().slice(0, 10);
const usable = (id: string) =>
  pushBody(completion(config, 3, 'upcoming_player_game_context', today(), Date.now()), `msg-${id}`);

describe('a push without a valid token is refused and never becomes a signal', () => {
  const other = () => testSigner('test-key-1');
  const cases: [string, () => string | undefined, number][] = [
    ['no Authorization header', () => undefined, 401],
    ['an unsigned token (alg none)', () => signer.token(pushClaims(AUDIENCE, PUSH_ACCOUNT), { unsigned: true }), 401],
    [
      'a token signed by another key under the same key ID',
      () => other().token(pushClaims(AUDIENCE, PUSH_ACCOUNT)),
      401,
    ],
    ['a token of an unknown key ID', () => signer.token(pushClaims(AUDIENCE, PUSH_ACCOUNT), { kid: 'nope' }), 401],
    [
      'an expired token',
      () =>
        signer.token(
          pushClaims(AUDIENCE, PUSH_ACCOUNT, {
            iat: Math.floor(Date.now() / 1000) - 7200,
            exp: Math.floor(Date.now() / 1000) - 3600,
          }),
        ),
      401,
    ],
    ['a token for another audience', () => signer.token(pushClaims('https://other.example/push', PUSH_ACCOUNT)), 401],
    [
      'a token of another issuer',
      () => signer.token(pushClaims(AUDIENCE, PUSH_ACCOUNT, { iss: 'https://evil.example' })),
      401,
    ],
    [
      'a valid token of another service account',
      () => signer.token(pushClaims(AUDIENCE, 'someone@nba-props-platform.iam.gserviceaccount.com')),
      403,
    ],
    [
      'a valid token whose email is not verified',
      () => signer.token(pushClaims(AUDIENCE, PUSH_ACCOUNT, { email_verified: false })),
      403,
    ],
  ];
  it.each(cases)('%s', async (_name, token, status) => {
    const before = bridge.stats.view().byOutcome.rejected ?? 0;
    const res = await post(token(), usable(String(Math.random())));
    expect(res.status).toBe(status);
    expect(signals).toHaveLength(0);
    expect(bridge.stats.view().byOutcome.rejected).toBe(before + 1);
  });
});

it('a valid token of the push service account is accepted: the completion becomes a signal', async () => {
  const res = await post(signer.token(pushClaims(AUDIENCE, PUSH_ACCOUNT)), usable('valid'));
  expect(res.status).toBe(200);
  expect(res.body.outcome).toBe('delivered');
  expect(signals).toHaveLength(1);
});

it('a well-authenticated but unusable message is acknowledged (2xx) and recorded, not signalled', async () => {
  const before = bridge.stats.view().byOutcome.unusable ?? 0;
  const res = await post(signer.token(pushClaims(AUDIENCE, PUSH_ACCOUNT)), pushBody('not json {', 'msg-bad'));
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ acknowledged: true, outcome: 'unusable' });
  expect(bridge.stats.view().byOutcome.unusable).toBe(before + 1);
  expect(bridge.stats.view().recent.some((s) => s.messageId === 'msg-bad')).toBe(true);
  expect(signals).toHaveLength(0);
});

describe('local-only modes', () => {
  const local = (mode: 'none' | 'static-bearer', host: string) =>
    loadConfig({}, { bridge: { host, port: 0, auth: { mode } } });

  it.each(['0.0.0.0', '10.1.2.3', 'bridge.internal', '::'])('refuse to serve %s', (host) => {
    for (const mode of ['none', 'static-bearer'] as const) {
      expect(() => createPushAuthenticator(local(mode, host), host, { env: { GAMEDAY_BRIDGE_TOKEN: 's' } })).toThrow(
        BridgeAuthConfigError,
      );
    }
  });

  it('the bridge does not start with static-bearer on a non-loopback host, and says why', async () => {
    await expect(
      startBridge({
        client: recordingClient,
        config: local('static-bearer', '0.0.0.0'),
        auth: { env: { GAMEDAY_BRIDGE_TOKEN: 's' } },
      }),
    ).rejects.toThrow(/local stack only.*0\.0\.0\.0/);
  });

  it('static-bearer needs its token from the environment and checks it', async () => {
    const cfg = local('static-bearer', '127.0.0.1');
    expect(() => createPushAuthenticator(cfg, '127.0.0.1', { env: {} })).toThrow(/GAMEDAY_BRIDGE_TOKEN/);
    const auth = createPushAuthenticator(cfg, '127.0.0.1', { env: { GAMEDAY_BRIDGE_TOKEN: 'local-secret' } });
    expect(await auth.check('Bearer local-secret')).toMatchObject({ ok: true });
    expect(await auth.check('Bearer local-secreT')).toMatchObject({ ok: false, status: 401 });
    expect(await auth.check(undefined)).toMatchObject({ ok: false, status: 401 });
  });

  it('oidc serves any host, and the config requires its audience and account', () => {
    expect(() =>
      createPushAuthenticator(oidcConfig('0.0.0.0'), '0.0.0.0', { certs: () => Promise.resolve({}) }),
    ).not.toThrow();
    expect(() => loadConfig({}, { bridge: { auth: { mode: 'oidc' } } })).toThrow(
      /bridge\.auth\.audience.*required[\s\S]*bridge\.auth\.pushServiceAccount/,
    );
  });
});
