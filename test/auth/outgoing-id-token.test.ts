/**
 * Outgoing calls to the platform's Cloud Run services: with `platform.auth: google-id-token` each request carries a
 * Google ID token minted in the calling process for the service's origin (here from a local stand-in of the GCE
 * metadata server, as on Cloud Run), and `X-API-Key` when GAMEDAY_PLATFORM_API_KEY is set. Nothing calls Google.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPlatformClient } from '../../activities/platform/http';
import { loadConfig } from '../../config/load';
import { pushClaims, testSigner } from '../helpers/oidc-tokens';

const saved = { ...process.env };
let metadata: Server;
let service: Server;
const audiences: string[] = [];
const received: IncomingHttpHeaders[] = [];
const signer = testSigner();

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  metadata = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://metadata');
    if (req.headers['metadata-flavor'] !== 'Google' || !url.pathname.endsWith('/service-accounts/default/identity')) {
      res.writeHead(404).end();
      return;
    }
    const audience = url.searchParams.get('audience') ?? '';
    audiences.push(audience);
    res.writeHead(200, { 'content-type': 'text/plain', 'metadata-flavor': 'Google' });
    res.end(signer.token(pushClaims(audience, 'gameday-worker@nba-props-platform.iam.gserviceaccount.com')));
  });
  service = createServer((req, res) => {
    received.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"completed","results":[]}');
  });
  // Jest only: gaxios loads node-fetch with a dynamic import() that Jest's CommonJS runtime refuses; it takes a
  // global window's fetch instead (Node's own). Production (node/tsx) is unchanged.
  (globalThis as { window?: unknown }).window = { fetch: globalThis.fetch };
  process.env.GCE_METADATA_HOST = await listen(metadata);
  process.env.METADATA_SERVER_DETECTION = 'assume-present';
  delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
  await listen(service);
});

afterAll(async () => {
  process.env = saved;
  delete (globalThis as { window?: unknown }).window;
  await Promise.all([metadata, service].map((s) => new Promise((resolve) => s.close(resolve))));
});

test('each call carries an ID token for the service origin and the API key', async () => {
  const base = `http://${(service.address() as AddressInfo).address}:${(service.address() as AddressInfo).port}`;
  const config = loadConfig({}, { platform: { auth: 'google-id-token', precomputeUrl: `${base}/phase4` } });
  const call = createPlatformClient(config, { GAMEDAY_PLATFORM_API_KEY: 'key-123' });
  const body = { analysis_date: '2026-01-15', processors: ['MLFeatureStoreProcessor'] };
  const answer = await call({ method: 'POST', url: `${base}/phase4/process-date`, body });
  expect(answer.status).toBe(200);
  expect(audiences).toEqual([base]);
  const [headers] = received;
  expect(headers.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
  const claims = JSON.parse(Buffer.from(String(headers.authorization).split('.')[1], 'base64url').toString());
  expect(claims.aud).toBe(base);
  expect(headers['x-api-key']).toBe('key-123');

  await call({ method: 'POST', url: `${base}/phase4/process-date`, body });
  expect(audiences).toHaveLength(1); // the token is kept until it nears expiry
  expect(received[1].authorization).toBe(headers.authorization);
});

test('with platform.auth none (the local platform) no token is fetched or sent', async () => {
  const base = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
  const before = audiences.length;
  const call = createPlatformClient(loadConfig({}, { platform: { precomputeUrl: `${base}/phase4` } }), {});
  await call({ method: 'GET', url: `${base}/phase4/health` });
  expect(audiences).toHaveLength(before);
  expect(received.at(-1)?.authorization).toBeUndefined();
  expect(received.at(-1)?.['x-api-key']).toBeUndefined();
});
