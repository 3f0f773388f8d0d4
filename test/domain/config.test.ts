import { writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadConfig, ConfigError } from '../../config/load';
import { toRunSettings } from '../../config/run-settings';

describe('the typed config', () => {
  test('the defaults are valid and carry the analysis thresholds', () => {
    const config = loadConfig({});
    expect(config.quorum).toEqual({ partialTriggerAfterMinutes: 30, minimumComplete: 3 });
    expect(config.sla.defaultMinutes).toBe(15);
    expect(toRunSettings(config).partialTriggerAfterMs).toBe(30 * 60_000);
  });

  test('time scale shrinks every timer', () => {
    const settings = toRunSettings(loadConfig({ GAMEDAY_TIME_SCALE: String(1 / 60) }));
    expect(settings.partialTriggerAfterMs).toBe(30_000);
    expect(settings.slaMs[3]).toBe(15_000);
  });

  test.each([
    [{ GAMEDAY_TIME_SCALE: 'fast' }, /GAMEDAY_TIME_SCALE="fast" is not a number/],
    [{ GAMEDAY_TIME_SCALE: '0' }, /timeScale: .*\(got 0\)/],
    [{ GAMEDAY_BRIDGE_PORT: '70000' }, /bridge.port: .*\(got 70000\)/],
    [{ TEMPORAL_ADDRESS: 'no-port' }, /temporal.address: must be host:port \(got "no-port"\)/],
    [{ GAMEDAY_ANALYTICS_URL: 'ftp://x' }, /platform.analyticsUrl/],
  ])('a bad environment value is rejected naming it: %j', (env, message) => {
    expect(() => loadConfig(env as NodeJS.ProcessEnv)).toThrow(ConfigError);
    expect(() => loadConfig(env as NodeJS.ProcessEnv)).toThrow(message);
  });

  test('a config file with an unknown processor, a negative threshold or an unknown key is rejected', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gameday-config-'));
    const write = (value: unknown) => {
      const file = join(dir, `${Math.random()}.json`);
      writeFileSync(file, JSON.stringify(value));
      return file;
    };
    expect(() => loadConfig({ GAMEDAY_CONFIG: write({ quorum: { minimumComplete: -1 } }) })).toThrow(
      /quorum.minimumComplete/,
    );
    expect(() =>
      loadConfig({
        GAMEDAY_CONFIG: write({
          modes: { overnight: { 3: { expected: ['player_game_summary', 'ghost_table'], critical: [] } } },
        }),
      }),
    ).toThrow(/unknown processor "ghost_table" for phase 3/);
    expect(() => loadConfig({ GAMEDAY_CONFIG: write({ quorm: {} }) })).toThrow(/quorm/);
    expect(() => loadConfig({ GAMEDAY_CONFIG: join(dir, 'missing.json') })).toThrow(/cannot read config file/);
  });
});
