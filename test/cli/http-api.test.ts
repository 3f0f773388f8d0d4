/**
 * Which way `gameday status` reads Temporal (cli/http/target.ts), what its requests carry (cli/http/api.ts, against a
 * plain HTTP server standing in for the frontend) and how it reads the HTTP API's payloads (cli/http/payloads.ts).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveTemporalTarget } from '../../clients/temporal-connection';
import { HTTP_ROUTES, HttpApiError, TemporalHttpApi } from '../../cli/http/api';
import { httpChoice } from '../../cli/http/target';
import { decodePayload, firstPayload } from '../../cli/http/payloads';
import { loadConfig } from '../../config/load';

const b64 = (text: string) => Buffer.from(text).toString('base64');
/** The config and target as the CLI resolves them from these variables (no profile file). */
const choose = (env: Record<string, string>) => {
  const vars = { TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml', ...env };
  const config = loadConfig(vars);
  return httpChoice(config, resolveTemporalTarget(config, vars));
};

describe('HTTP or gRPC', () => {
  test("the default HTTP address goes with the default gRPC address (the local stack's); gRPC answers if it refuses", () => {
    expect(choose({})).toEqual({
      target: {
        address: '127.0.0.1:7243',
        namespace: 'default',
        tls: false,
        apiKey: undefined,
        headers: {},
        tlsFiles: undefined,
      },
      fallback: true,
    });
  });

  test('another gRPC address without an HTTP address of its own: gRPC', () => {
    expect(choose({ TEMPORAL_ADDRESS: 'temporal.internal:7233' })).toBeUndefined();
  });

  test('an HTTP address set explicitly is used with any gRPC address, without a fallback', () => {
    expect(
      choose({ TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_HTTP_ADDRESS: 'temporal.internal:7243' }),
    ).toMatchObject({
      target: { address: 'temporal.internal:7243', tls: false },
      fallback: false,
    });
  });

  test('an API key: HTTPS, as the gRPC connection (TLS implied unless turned off)', () => {
    const choice = choose({
      TEMPORAL_ADDRESS: 'ns.a1b2c.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'ns.a1b2c',
      TEMPORAL_HTTP_ADDRESS: 'ns.a1b2c.tmprl.cloud:443',
      TEMPORAL_API_KEY: 'secret-key',
    });
    expect(choice?.target).toMatchObject({ tls: true, apiKey: 'secret-key', namespace: 'ns.a1b2c' });
    expect(choose({ TEMPORAL_HTTP_ADDRESS: 'h:1', TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' })?.target.tls).toBe(
      false,
    );
  });
});

describe('payloads', () => {
  test('the full form decodes by its encoding; empty lists stay lists', () => {
    const state = { alerts: [], cycle: 'overnight' };
    const payload = { metadata: { encoding: b64('json/plain') }, data: b64(JSON.stringify(state)) };
    expect(firstPayload({ payloads: [payload] })).toEqual(state);
    expect(decodePayload({ metadata: { encoding: b64('binary/null') } })).toBeUndefined();
    expect(() => decodePayload({ metadata: { encoding: b64('binary/encrypted') }, data: '' })).toThrow(
      /encoded as binary\/encrypted/,
    );
  });

  test('the shorthand (a JSON value) is read as it is', () => {
    expect(firstPayload([{ cycle: 'overnight' }])).toEqual({ cycle: 'overnight' });
    expect(decodePayload('2036-01-13')).toBe('2036-01-13');
    expect(firstPayload(undefined)).toBeUndefined();
  });
});

test('requests: the API key as Authorization: Bearer, full-form payloads asked for; an error body becomes its gRPC code', async () => {
  let seen: { url?: string; headers?: IncomingHttpHeaders } = {};
  const server = createServer((req, res) => {
    seen = { url: req.url, headers: req.headers };
    res
      .writeHead(404, { 'content-type': 'application/json' })
      .end('{"code":5,"message":"workflow not found for ID: x"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const api = new TemporalHttpApi({ address, namespace: 'ns.a1b2c', tls: false, apiKey: 'secret-key' });
    const error = await api
      .call(HTTP_ROUTES.describe('gameday-2025-12-29'), { timeoutMs: 5000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpApiError);
    expect(error).toMatchObject({ code: 5, httpStatus: 404, message: 'workflow not found for ID: x' });
    expect(seen.url).toBe('/api/v1/namespaces/ns.a1b2c/workflows/gameday-2025-12-29?noPayloadShorthand=true');
    expect(seen.headers).toMatchObject({ authorization: 'Bearer secret-key', 'temporal-namespace': 'ns.a1b2c' });
  } finally {
    server.close();
  }
});
