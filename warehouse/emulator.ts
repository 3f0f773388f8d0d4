/**
 * The embedded BigQuery emulator for local runs and tests: `bqemulator` (PyPI, DuckDB) from .tools/venv,
 * started on 127.0.0.1 with free REST and gRPC ports. See scripts/bigquery-emulator.md for the gotchas
 * this follows (spatial extension under $HOME/.duckdb before start, no format extensions, dummy auth).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
export const TOOLS_BIN = join(ROOT, '.tools', 'venv', 'bin');
export const EMULATOR_BIN = join(TOOLS_BIN, 'bqemulator');
/** DuckDB reads extensions from $HOME/.duckdb: a HOME of our own keeps them out of the real one. */
export const DUCKDB_HOME = join(ROOT, '.tools', 'duckdb-home');
export const EMULATOR_PROJECT = 'test-project';

export interface BigQueryEmulator {
  /** e.g. http://127.0.0.1:41234 (the client appends /bigquery/v2). */
  apiEndpoint: string;
  projectId: string;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process has exited. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartEmulatorOptions {
  /** REST port; default a free one. */
  port?: number;
  /** Keeps state on disk in this directory (--persistent); default in-memory. */
  dataDir?: string;
  projectId?: string;
  /** How long to wait for /readyz; default 30 s. */
  readyTimeoutMs?: number;
}

/** Why the emulator cannot run here, or undefined when it can. */
export function emulatorUnavailableReason(): string | undefined {
  if (!existsSync(EMULATOR_BIN)) return `${EMULATOR_BIN} is missing: run \`node scripts/setup.mjs\``;
  if (!existsSync(join(TOOLS_BIN, 'python'))) return `${TOOLS_BIN}/python is missing: run \`node scripts/setup.mjs\``;
  return undefined;
}

function findFile(dir: string, name: string): boolean {
  if (!existsSync(dir)) return false;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name === name) return true;
    if (entry.isDirectory() && findFile(join(dir, entry.name), name)) return true;
  }
  return false;
}

/** Copies the spatial DuckDB extension from its wheel into $HOME/.duckdb (G1, G5); idempotent and offline. */
export function ensureSpatialExtension(home: string = DUCKDB_HOME): void {
  mkdirSync(home, { recursive: true });
  if (findFile(join(home, '.duckdb', 'extensions'), 'spatial.duckdb_extension')) return;
  try {
    execFileSync(
      join(TOOLS_BIN, 'python'),
      ['-c', "from duckdb_extensions import import_extension; import_extension('spatial')"],
      { env: { ...process.env, HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`cannot install the DuckDB spatial extension into ${home}: ${stderr || (err as Error).message}`);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts the emulator and resolves once /readyz answers 200. */
export async function startBigQueryEmulator(opts: StartEmulatorOptions = {}): Promise<BigQueryEmulator> {
  const unavailable = emulatorUnavailableReason();
  if (unavailable) throw new Error(`BigQuery emulator unavailable: ${unavailable}`);
  ensureSpatialExtension();
  const projectId = opts.projectId ?? EMULATOR_PROJECT;
  const port = opts.port ?? (await freePort());
  let grpcPort = await freePort();
  while (grpcPort === port) grpcPort = await freePort();
  const args = ['start', '--rest-host', '127.0.0.1', '--rest-port', String(port)];
  args.push('--grpc-host', '127.0.0.1', '--grpc-port', String(grpcPort), '--project', projectId);
  args.push('--log-level', 'warning', '--log-format', 'console');
  if (opts.dataDir) {
    mkdirSync(opts.dataDir, { recursive: true });
    args.push('--persistent', '--data-dir', opts.dataDir);
  }
  const child = spawn(EMULATOR_BIN, args, {
    env: { ...process.env, HOME: DUCKDB_HOME, BQEMU_ENABLE_FORMAT_EXTENSIONS: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let alive = true;
  void exited.then(() => {
    alive = false;
  });
  const killOnExit = (): void => {
    if (alive) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const apiEndpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (!alive) {
      process.off('exit', killOnExit);
      throw new Error(`bqemulator exited before it was ready:\n${output.trim()}`);
    }
    try {
      const res = await fetch(`${apiEndpoint}/readyz`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopChild(child, exited, () => alive);
      process.off('exit', killOnExit);
      throw new Error(`bqemulator not ready on ${apiEndpoint} after ${opts.readyTimeoutMs ?? 30_000} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  let stopping: Promise<void> | undefined;
  return {
    apiEndpoint,
    projectId,
    stop: () => {
      stopping ??= stopChild(child, exited, () => alive).finally(() => process.off('exit', killOnExit));
      return stopping;
    },
  };
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>, alive: () => boolean): Promise<void> {
  if (!alive()) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (alive()) child.kill('SIGKILL');
  }, 5000);
  await exited;
  clearTimeout(timer);
  child.stdout?.destroy();
  child.stderr?.destroy();
}
