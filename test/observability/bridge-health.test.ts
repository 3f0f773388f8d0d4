/** The bridge's probes: /healthz while the process runs, /readyz only while Temporal answers for its namespace. */
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startBridge, type BridgeServer } from '../../bridge/server';
import { loadConfig } from '../../config/load';
import { createDevServerEnv } from '../helpers/tools';

const config = loadConfig({}, { bridge: { temporalTimeoutSeconds: 1 } });
let env: TestWorkflowEnvironment;
const bridges: BridgeServer[] = [];
const connections: Connection[] = [];

beforeAll(async () => {
  env = await createDevServerEnv();
}, 60_000);

afterAll(async () => {
  for (const bridge of bridges) await bridge.close();
  for (const connection of connections) await connection.close();
  await env?.teardown();
});

async function bridgeWith(client: Client): Promise<BridgeServer> {
  const bridge = await startBridge({ client, config, host: '127.0.0.1', port: 0 });
  bridges.push(bridge);
  return bridge;
}

describe('bridge probes', () => {
  it('answers /healthz and /readyz with 200 while Temporal answers', async () => {
    const bridge = await bridgeWith(env.client);
    expect((await fetch(`${bridge.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${bridge.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, detail: 'Temporal answers for namespace default' });
  });

  it('answers /readyz with 503 for a namespace Temporal does not know (a bridge whose signals would all fail)', async () => {
    const bridge = await bridgeWith(new Client({ connection: env.client.connection, namespace: 'no-such-namespace' }));
    const ready = await fetch(`${bridge.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      ready: false,
      detail: expect.stringMatching(/^Temporal does not answer for namespace no-such-namespace: .*not found/i),
    });
  });

  it('answers /readyz with 503 and the reason when Temporal does not answer, /healthz still 200', async () => {
    // A lazy connection fails on its first call, as a bridge whose Temporal went away does.
    const connection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 200 });
    connections.push(connection);
    const bridge = await bridgeWith(new Client({ connection }));
    expect((await fetch(`${bridge.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${bridge.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      ready: false,
      detail: expect.stringContaining('Temporal does not answer'),
    });
  });
});
