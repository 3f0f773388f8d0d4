/**
 * Jest only: @google-cloud/bigquery's HTTP layer (teeny-request) loads node-fetch with a dynamic `import()`,
 * which Jest's CommonJS runtime refuses without --experimental-vm-modules. Test files replace the module with
 * the same code, its `import('node-fetch')` swapped for Node's own fetch behind a node-fetch-like response:
 *
 *   jest.mock('teeny-request', () => jest.requireActual('./teeny-request-shim').teenyRequestWithNodeFetch());
 *
 * Production (node/tsx) uses the real module unchanged.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { compileFunction } from 'node:vm';

const DYNAMIC_IMPORT = "import('node-fetch').then(({ default: fetch }) => fetch(...args))";

type FetchInit = NonNullable<Parameters<typeof fetch>[1]>;
type FetchBody = FetchInit['body'];

interface FetchOptions extends Omit<FetchInit, 'body'> {
  agent?: unknown;
  timeout?: number;
  body?: FetchBody | NodeJS.ReadableStream;
}

/** What teeny-request reads from a node-fetch response: status, headers, a Node stream body, json() and text(). */
async function nodeFetchLike(url: string, options: FetchOptions = {}) {
  const { agent: _agent, timeout, body, ...init } = options;
  const streamed = body !== undefined && body !== null && typeof (body as NodeJS.ReadableStream).pipe === 'function';
  const res = await fetch(url, {
    ...init,
    ...(streamed
      ? { body: Readable.toWeb(body as Readable) as unknown as FetchBody, duplex: 'half' }
      : { body: body as FetchBody }),
    ...(timeout ? { signal: AbortSignal.timeout(timeout) } : {}),
  } as FetchInit);
  const bytes = Buffer.from(await res.arrayBuffer());
  return {
    ok: res.ok,
    status: res.status,
    statusText: res.statusText,
    url: res.url,
    headers: res.headers,
    body: Readable.from(bytes.length ? [bytes] : []),
    json: async () => JSON.parse(bytes.toString('utf8')),
    text: async () => bytes.toString('utf8'),
  };
}

export function teenyRequestWithNodeFetch(): unknown {
  const path = require.resolve('teeny-request');
  const source = readFileSync(path, 'utf8');
  if (!source.includes(DYNAMIC_IMPORT))
    throw new Error(`teeny-request changed: ${DYNAMIC_IMPORT} not found in ${path}`);
  const patched = source.replace(DYNAMIC_IMPORT, 'nodeFetchLike(...args)');
  const module = { exports: {} as Record<string, unknown> };
  const run = compileFunction(patched, ['exports', 'require', 'module', '__filename', '__dirname', 'nodeFetchLike'], {
    filename: path,
  });
  run(module.exports, createRequire(path), module, path, dirname(path), nodeFetchLike);
  return module.exports;
}
