/**
 * docker-compose.yml, validated by Debian's docker-compose (`config` needs no engine) and checked against the
 * code: images pinned, every Gameday variable one the config reads, the ports and healthchecks the config's, the
 * search attributes of contracts/ registered, the start order.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { loadConfig, ENV_OVERRIDES } from '../../config/load';
import { PIPELINE_SEARCH_ATTRIBUTES } from '../../contracts/search-attributes';
import { WORKER_NODE_OPTIONS } from '../../workers/heap-limits';

const ROOT = join(__dirname, '..', '..');
const COMPOSE = '/usr/bin/docker-compose';
const hasCompose = existsSync(COMPOSE);
if (!hasCompose)
  console.warn(`SKIPPING the docker-compose.yml validation: ${COMPOSE} is missing (apt-get install docker-compose)`);
const describeWithCompose = hasCompose ? describe : describe.skip;

/** What the operator must set (docs/deploy.md): the platform's URLs and the bridge's push identity. */
const REQUIRED_ENV = {
  GAMEDAY_SCHEDULE_URL: 'https://schedule.example.com',
  GAMEDAY_ANALYTICS_URL: 'https://analytics.example.com',
  GAMEDAY_PRECOMPUTE_URL: 'https://precompute.example.com',
  GAMEDAY_COORDINATOR_URL: 'https://coordinator.example.com',
  GAMEDAY_EXPORT_PUSH_URL: 'https://export.example.com/push',
  GAMEDAY_BRIDGE_AUDIENCE: 'https://bridge.example.com/pubsub/push',
  GAMEDAY_BRIDGE_PUSH_SERVICE_ACCOUNT: 'pubsub-push@project.iam.gserviceaccount.com',
};
/** Variables read from the environment only (secrets, channels), not through ENV_OVERRIDES. */
const ENV_ONLY = ['GAMEDAY_PLATFORM_API_KEY', 'GAMEDAY_SLACK_WEBHOOK_URL', 'GAMEDAY_SMTP_URL', 'GAMEDAY_BRIDGE_TOKEN'];

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  ports?: { published: number; target: number }[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  stop_grace_period?: string;
  volumes?: string[];
}

function composeConfig(env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(COMPOSE, ['-f', 'docker-compose.yml', 'config'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** YAML to JSON with the PyYAML that docker-compose itself runs on. */
function parseYaml(text: string): { services: Record<string, Service> } {
  const json = execFileSync(
    'python3',
    ['-c', 'import sys, json, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'],
    {
      input: text,
      encoding: 'utf8',
    },
  );
  return JSON.parse(json) as { services: Record<string, Service> };
}

describeWithCompose('docker-compose.yml', () => {
  let services: Record<string, Service>;

  beforeAll(() => {
    const result = composeConfig(REQUIRED_ENV);
    if (result.status !== 0) throw new Error(`docker-compose config failed: ${result.stderr}`);
    services = parseYaml(result.stdout).services;
  });

  it('is valid for docker-compose, and refuses to start without the platform URLs and the push identity', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'gameday-bridge',
        'gameday-worker',
        'postgresql',
        'temporal',
        'temporal-init',
        'temporal-schema',
        'temporal-ui',
      ].sort(),
    );
    const missing = composeConfig({});
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('GAMEDAY_SCHEDULE_URL');
  });

  it('pins every image to a version, never latest', () => {
    for (const [name, service] of Object.entries(services)) {
      expect({ name, image: service.image }).toEqual({ name, image: expect.stringMatching(/^[\w./-]+:\d+(\.\d+)+$/) });
    }
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(services['gameday-worker'].image).toBe(`gameday:${version}`);
    expect(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).toMatch(/^FROM node:20\.\d+\.\d+-bookworm-slim/m);
  });

  it('sets only variables the config reads, and the config they make is valid', () => {
    for (const name of ['gameday-worker', 'gameday-bridge']) {
      const env = services[name].environment ?? {};
      for (const variable of Object.keys(env)) {
        expect({ service: name, variable, known: variable in ENV_OVERRIDES || ENV_ONLY.includes(variable) }).toEqual({
          service: name,
          variable,
          known: true,
        });
      }
      expect(() => loadConfig(env)).not.toThrow();
    }
  });

  it('publishes and probes the ports of the config each process gets from its environment', () => {
    const worker = loadConfig(services['gameday-worker'].environment);
    const bridge = loadConfig(services['gameday-bridge'].environment);
    expect(worker.worker.host).toBe('0.0.0.0');
    expect(bridge.bridge.host).toBe('0.0.0.0');
    expect(services['gameday-worker'].ports?.map((p) => p.target)).toEqual([worker.worker.metricsPort]);
    expect(services['gameday-bridge'].ports?.map((p) => p.target)).toEqual([bridge.bridge.port]);
    expect(services['gameday-worker'].healthcheck?.test).toEqual([
      'CMD',
      'node',
      'dist/workers/probe.js',
      'worker',
      'readyz',
    ]);
    expect(services['gameday-bridge'].healthcheck?.test).toEqual([
      'CMD',
      'node',
      'dist/workers/probe.js',
      'bridge',
      'readyz',
    ]);
    // The UI links the processes print point at the UI the stack publishes.
    const uiPort = services['temporal-ui'].ports?.[0].published;
    expect(new URL(worker.temporal.uiUrl).port).toBe(String(uiPort));
    expect(worker.temporal.address).toBe(`temporal:${services.temporal.ports?.[0].target}`);
    // The alert ledger's directory (relative to the image's WORKDIR /app) survives a restart.
    expect(services['gameday-worker'].volumes).toContain(
      `gameday-worker-state:${posix.join('/app', posix.dirname(worker.alerts.ledgerPath))}:rw`,
    );
    expect(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).toContain('WORKDIR /app');
    // Docker's stop timeout outlasts the worker's graceful shutdown.
    expect(parseInt(services['gameday-worker'].stop_grace_period ?? '10s', 10)).toBeGreaterThan(
      worker.worker.shutdownGraceSeconds,
    );
  });

  it('registers every search attribute of contracts/ as a Keyword, and checks each is there', () => {
    // `config` prints the file compose-escaped ($$); the container's shell sees single $.
    const script = (services['temporal-init'].command?.join('\n') ?? '').replace(/\$\$/g, '$');
    const names = /for name in ([\w ]+); do/.exec(script)?.[1].trim().split(/\s+/);
    expect(names?.sort()).toEqual(PIPELINE_SEARCH_ATTRIBUTES.map((key) => key.name).sort());
    expect(script).toContain('search-attribute create -n "$ns" --name "$name" --type Keyword');
    expect(script).toMatch(/search-attribute list .*grep -q "\$name" \|\| \{ .*exit 1; \}/);
  });

  it('runs its init script to a namespace with every attribute, idempotently, and fails when one is missing', () => {
    const script = (services['temporal-init'].command?.join('\n') ?? '').replace(/\$\$/g, '$');
    /** Runs the script with a stand-in `temporal` CLI that keeps the namespace's attributes in a file. */
    const run = (refuse: string, existing: string[]) => {
      const dir = mkdtempSync(join(tmpdir(), 'gameday-init-'));
      writeFileSync(join(dir, 'attributes'), existing.map((name) => `${name} Keyword\n`).join(''));
      writeFileSync(
        join(dir, 'temporal'),
        [
          '#!/bin/sh',
          `echo "$*" >> ${dir}/calls`,
          'case "$2 $3" in',
          '  "cluster health") exit 0 ;;',
          `  "namespace describe") [ -s ${dir}/attributes ] ;;`,
          '  "namespace create") exit 0 ;;',
          `  "search-attribute list") cat ${dir}/attributes ;;`,
          `  "search-attribute create") name=$(echo "$*" | sed 's/.*--name \\([A-Za-z]*\\).*/\\1/');`,
          `    [ "$name" = "${refuse}" ] && exit 1; grep -q "^$name " ${dir}/attributes && exit 1;`,
          `    echo "$name Keyword" >> ${dir}/attributes ;;`,
          'esac',
        ].join('\n'),
      );
      chmodSync(join(dir, 'temporal'), 0o755);
      const result = spawnSync('/bin/sh', ['-c', script], {
        env: { PATH: `${dir}:${process.env.PATH}`, TEMPORAL_NAMESPACE: 'default' },
        encoding: 'utf8',
      });
      const calls = readFileSync(join(dir, 'calls'), 'utf8');
      return { status: result.status, stdout: result.stdout, calls };
    };
    const fresh = run('', []);
    expect(fresh.status).toBe(0);
    expect(fresh.calls).toContain('operator namespace create -n default');
    for (const key of PIPELINE_SEARCH_ATTRIBUTES)
      expect(fresh.calls).toContain(`operator search-attribute create -n default --name ${key.name} --type Keyword`);
    const again = run(
      '',
      PIPELINE_SEARCH_ATTRIBUTES.map((key) => key.name),
    );
    expect(again.status).toBe(0);
    expect(again.calls).not.toContain('namespace create');
    const refused = run('PipelineStatus', []);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain('search attribute PipelineStatus missing');
  });

  it('starts in order: database healthy, schema set up, server healthy, namespace and attributes, then Gameday', () => {
    expect(services['temporal-schema'].depends_on).toEqual({ postgresql: { condition: 'service_healthy' } });
    expect(services.temporal.depends_on).toEqual({
      'temporal-schema': { condition: 'service_completed_successfully' },
    });
    expect(services['temporal-init'].depends_on).toEqual({ temporal: { condition: 'service_healthy' } });
    for (const name of ['gameday-worker', 'gameday-bridge'])
      expect(services[name].depends_on).toEqual({ 'temporal-init': { condition: 'service_completed_successfully' } });
    for (const name of ['postgresql', 'temporal', 'gameday-worker', 'gameday-bridge'])
      expect(services[name].healthcheck).toBeDefined();
  });
});

test('the image and `npm run start:worker` run the worker with the heap limits the season benchmark measures', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  expect(dockerfile).toContain(`NODE_OPTIONS="${WORKER_NODE_OPTIONS}"`);
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
    .scripts;
  expect(scripts['start:worker']).toBe(`node ${WORKER_NODE_OPTIONS} dist/workers/worker.js`);
});
