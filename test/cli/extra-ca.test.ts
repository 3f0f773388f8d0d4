/**
 * NODE_EXTRA_CA_CERTS through the `gameday` launcher on PATH (.tools/bin/gameday, cli/extra-ca.ts): Node does not
 * parse the file at start-up, yet the CLI's HTTPS connections trust it as Node would have. The Temporal HTTP API is
 * an HTTPS server whose certificate only a test CA signs; it knows no workflow, so a trusted connection ends in
 * "not found" (exit 4) and an untrusted one in "cannot reach" (exit 2).
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFERRED_EXTRA_CA_CERTS, takeDeferredExtraCaCerts } from '../../cli/extra-ca';
import { writeSelfSigned } from '../helpers/self-signed';
import { BIN, ROOT } from './cli-harness';

const LAUNCHER = join(ROOT, '.tools', 'bin', 'gameday');
const dir = mkdtempSync(join(tmpdir(), 'gameday-extra-ca-'));
const file = (name: string) => join(dir, name);
let server: Server;
let address: string;

/** A CA and a certificate for 127.0.0.1 signed by it, with the openssl command line. */
function makeCertificates(): void {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  writeSelfSigned({ key: file('ca.key'), cert: file('ca.pem') }, '/CN=gameday test CA');
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    '/CN=127.0.0.1',
  );
  writeFileSync(file('san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '2',
    '-extfile',
    'san.ext',
  );
}

beforeAll(async () => {
  makeCertificates();
  server = createServer(
    { key: readFileSync(file('server.key')), cert: readFileSync(file('server.pem')) },
    (_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 5, message: 'workflow not found' }));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  if (!server) return;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function status(command: string, args: string[], extraCa: string | undefined) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GAMEDAY_CONFIG: '',
    TEMPORAL_ADDRESS: '127.0.0.1:1',
    TEMPORAL_HTTP_ADDRESS: address,
    TEMPORAL_TLS: 'true',
    GAMEDAY_CONNECT_TIMEOUT: '5',
    [DEFERRED_EXTRA_CA_CERTS]: undefined,
    NODE_EXTRA_CA_CERTS: extraCa,
  };
  return new Promise<{ code: number; stderr: string }>((resolve) => {
    execFile(command, [...args, 'status', '2025-12-29'], { cwd: ROOT, env, timeout: 30_000 }, (error, _out, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stderr }),
    );
  });
}

test('the launcher on PATH: the extra CA is trusted for the HTTPS API', async () => {
  const run = await status(LAUNCHER, [], file('ca.pem'));
  expect(run.stderr).toMatch(/no pipeline workflow for 2025-12-29/);
  expect(run.code).toBe(4);
});

test("without the extra CA the same server is refused (the certificate is the test CA's alone)", async () => {
  const run = await status(LAUNCHER, [], undefined);
  expect(run.stderr).toMatch(/cannot reach the Temporal HTTP API at 127\.0\.0\.1:\d+/);
  expect(run.code).toBe(2);
});

test('node bin/gameday.js with NODE_EXTRA_CA_CERTS (Node loads it itself) answers the same', async () => {
  const run = await status(process.execPath, [BIN], file('ca.pem'));
  expect(run.stderr).toMatch(/no pipeline workflow for 2025-12-29/);
  expect(run.code).toBe(4);
});

test('the deferred file goes back into NODE_EXTRA_CA_CERTS for the processes the CLI starts', () => {
  const env: NodeJS.ProcessEnv = { [DEFERRED_EXTRA_CA_CERTS]: '/etc/extra.pem' };
  takeDeferredExtraCaCerts(env);
  expect(env).toEqual({ NODE_EXTRA_CA_CERTS: '/etc/extra.pem' });
  // Set by the user beside it: theirs stays.
  const both: NodeJS.ProcessEnv = { [DEFERRED_EXTRA_CA_CERTS]: '/etc/extra.pem', NODE_EXTRA_CA_CERTS: '/mine.pem' };
  takeDeferredExtraCaCerts(both);
  expect(both).toEqual({ NODE_EXTRA_CA_CERTS: '/mine.pem' });
});
