import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveTemporalTarget, withTemporalTarget } from '../../clients/temporal-connection';
import { CliContext } from '../../cli/context';
import { loadConfig } from '../../config/load';

const dir = mkdtempSync(join(tmpdir(), 'gameday-envconfig-'));
const profileFile = join(dir, 'temporal.toml');
writeFileSync(
  profileFile,
  [
    '[profile.default]',
    'address = "default-host:7233"',
    '',
    '[profile.cloud]',
    'address = "gameday.a1b2c.tmprl.cloud:7233"',
    'namespace = "gameday.a1b2c"',
    'api_key = "key-from-profile"',
    '[profile.cloud.grpc_meta]',
    'x-team = "data"',
  ].join('\n'),
);
/** An env with no user profile file: HOME and XDG point at an empty directory. */
const isolated = { HOME: dir, XDG_CONFIG_HOME: join(dir, 'none') };
const config = loadConfig({});

describe('the Temporal connection through the standard environment configuration', () => {
  it('falls back to the Gameday config when no profile and no TEMPORAL_* variable is set', () => {
    const target = resolveTemporalTarget(config, isolated);
    expect(target.address).toBe(config.temporal.address);
    expect(target.namespace).toBe(config.temporal.namespace);
    expect(target.options.tls).toBeUndefined();
    expect(target.options.apiKey).toBeUndefined();
  });

  it('takes address, namespace, API key and gRPC metadata from the named profile of TEMPORAL_CONFIG_FILE', () => {
    const target = resolveTemporalTarget(config, {
      ...isolated,
      TEMPORAL_CONFIG_FILE: profileFile,
      TEMPORAL_PROFILE: 'cloud',
    });
    expect(target).toMatchObject({
      address: 'gameday.a1b2c.tmprl.cloud:7233',
      namespace: 'gameday.a1b2c',
      profile: 'cloud',
      options: { apiKey: 'key-from-profile', tls: true, metadata: { 'x-team': 'data' } },
    });
    expect(withTemporalTarget(config, target).temporal).toMatchObject({
      address: 'gameday.a1b2c.tmprl.cloud:7233',
      namespace: 'gameday.a1b2c',
      taskQueue: config.temporal.taskQueue,
    });
  });

  it('lets TEMPORAL_* variables override the profile, and CLI overrides both', () => {
    const env = {
      ...isolated,
      TEMPORAL_CONFIG_FILE: profileFile,
      TEMPORAL_ADDRESS: 'override:7233',
      TEMPORAL_NAMESPACE: 'ns-from-env',
      TEMPORAL_API_KEY: 'key-from-env',
    };
    const target = resolveTemporalTarget(config, env);
    expect(target).toMatchObject({ address: 'override:7233', namespace: 'ns-from-env' });
    expect(target.options.apiKey).toBe('key-from-env');
    expect(resolveTemporalTarget(config, env, { apiKey: 'key-from-flag', tls: false }).options).toMatchObject({
      apiKey: 'key-from-flag',
      tls: false,
    });
  });

  it('reads mTLS certificates named by TEMPORAL_TLS_* variables, and refuses a certificate without its key', () => {
    const cert = join(dir, 'client.pem');
    const key = join(dir, 'client.key');
    writeFileSync(cert, 'CERT');
    writeFileSync(key, 'KEY');
    const target = resolveTemporalTarget(config, {
      ...isolated,
      TEMPORAL_TLS_CLIENT_CERT_PATH: cert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: key,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    });
    const tls = target.options.tls as { clientCertPair: { crt: Buffer; key: Buffer }; serverNameOverride: string };
    expect(Buffer.from(tls.clientCertPair.crt).toString()).toBe('CERT');
    expect(Buffer.from(tls.clientCertPair.key).toString()).toBe('KEY');
    expect(tls.serverNameOverride).toBe('temporal.internal');
    expect(() => resolveTemporalTarget(config, { ...isolated, TEMPORAL_TLS_CLIENT_CERT_PATH: cert })).toThrow(
      /needs its key/,
    );
  });

  it('names an unknown profile', () => {
    expect(() =>
      resolveTemporalTarget(config, { ...isolated, TEMPORAL_CONFIG_FILE: profileFile, TEMPORAL_PROFILE: 'nope' }),
    ).toThrow(/Profile 'nope' not found/);
  });

  it('gives the CLI the profile, with --address and --namespace over it and over TEMPORAL_*', () => {
    const env = {
      ...isolated,
      TEMPORAL_CONFIG_FILE: profileFile,
      TEMPORAL_PROFILE: 'cloud',
      TEMPORAL_ADDRESS: 'env:7233',
    };
    const fromProfile = new CliContext({}, env);
    expect(fromProfile.config.temporal).toMatchObject({ address: 'env:7233', namespace: 'gameday.a1b2c' });
    expect(fromProfile.uiLink('gameday-2026-01-15')).toContain(
      '/namespaces/gameday.a1b2c/workflows/gameday-2026-01-15',
    );
    const flagged = new CliContext({ address: 'flag:7233', namespace: 'flag-ns' }, env);
    expect(flagged.config.temporal).toMatchObject({ address: 'flag:7233', namespace: 'flag-ns' });
  });
});
