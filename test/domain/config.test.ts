import { writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadConfig, ConfigError } from '../../config/load';
import { toRunSettings } from '../../config/run-settings';

describe('the typed config', () => {
  test('the defaults are valid and carry the analysis thresholds', () => {
    const config = loadConfig({});
    expect(config.quorum).toEqual({ partialTriggerAfterMinutes: 30 });
    expect(config.lifecycle.overnight.phase3.minimumComplete).toBe(3);
    expect(config.sla.defaultMinutes).toBe(15);
    expect(toRunSettings(config).partialTriggerAfterMs).toBe(30 * 60_000);
    expect(config.phase4To5.tiers.map((t) => [t.minComplete, t.afterMinutes])).toEqual([
      [5, 0],
      [4, 60],
      [3, 120],
      [1, 240],
    ]);
  });

  test("the time scale is the clock's, not the rules': durations stay in the day's time", () => {
    const settings = toRunSettings(loadConfig({ GAMEDAY_TIME_SCALE: String(1 / 60) }));
    expect(settings.partialTriggerAfterMs).toBe(30 * 60_000);
    expect(settings.clock.scale).toBeCloseTo(1 / 60);
  });

  test.each([
    [{ GAMEDAY_TIME_SCALE: 'fast' }, /GAMEDAY_TIME_SCALE="fast" is not a number/],
    [{ GAMEDAY_TIME_SCALE: '0' }, /timeScale: .*\(got 0\)/],
    [{ GAMEDAY_BRIDGE_PORT: '70000' }, /bridge.port: .*\(got 70000\)/],
    [{ TEMPORAL_ADDRESS: 'no-port' }, /temporal.address: must be host:port \(got "no-port"\)/],
    [{ TEMPORAL_HTTP_ADDRESS: '127.0.0.1' }, /temporal.httpAddress: must be host:port \(got "127.0.0.1"\)/],
    [{ TEMPORAL_HTTP_ADDRESS: 'http://h:7243' }, /temporal.httpAddress: must be host:port \(got "http:\/\/h:7243"\)/],
    [{ GAMEDAY_ANALYTICS_URL: 'ftp://x' }, /platform.analyticsUrl/],
  ])('a bad environment value is rejected naming it: %j', (env, message) => {
    expect(() => loadConfig(env as NodeJS.ProcessEnv)).toThrow(ConfigError);
    expect(() => loadConfig(env as NodeJS.ProcessEnv)).toThrow(message);
  });

  test("the HTTP API address: the local stack's by default, TEMPORAL_HTTP_ADDRESS over it", () => {
    const defaults = loadConfig({});
    expect(defaults.temporal.httpAddress).toBe(`127.0.0.1:${defaults.localStack.httpPort}`);
    expect(loadConfig({ TEMPORAL_HTTP_ADDRESS: 'temporal.internal:7243' }).temporal.httpAddress).toBe(
      'temporal.internal:7243',
    );
  });

  test('a config file with an unknown processor, a negative threshold or an unknown key is rejected', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gameday-config-'));
    const write = (value: unknown) => {
      const file = join(dir, `${Math.random()}.json`);
      writeFileSync(file, JSON.stringify(value));
      return file;
    };
    expect(() => loadConfig({ GAMEDAY_CONFIG: write({ quorum: { partialTriggerAfterMinutes: -1 } }) })).toThrow(
      /quorum.partialTriggerAfterMinutes/,
    );
    expect(() =>
      loadConfig({
        GAMEDAY_CONFIG: write({
          lifecycle: { overnight: { phase3: { expected: ['player_game_summary', 'ghost_table'] } } },
        }),
      }),
    ).toThrow(/unknown phase-3 processor "ghost_table"/);
    expect(() => loadConfig({ GAMEDAY_CONFIG: write({ quorm: {} }) })).toThrow(/quorm/);
    expect(() => loadConfig({ GAMEDAY_CONFIG: join(dir, 'missing.json') })).toThrow(/cannot read config file/);
  });
});

describe('the lifecycle times', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-lifecycle-'));
  const withFile = (value: unknown) => {
    const file = join(dir, `${Math.random()}.json`);
    writeFileSync(file, JSON.stringify(value));
    return { GAMEDAY_CONFIG: file };
  };

  test('a malformed day time is refused, naming the field', () => {
    expect(() => loadConfig(withFile({ lifecycle: { same_day: { predictionsDeadline: '14:00' } } }))).toThrow(
      /lifecycle.same_day.predictionsDeadline: must be "D-1 HH:MM", "D HH:MM" or "D\+1 HH:MM"/,
    );
    expect(() => loadConfig(withFile({ lifecycle: { tomorrow: { phase4At: 'D-2 17:30' } } }))).toThrow(
      /lifecycle.tomorrow.phase4At/,
    );
  });

  test('a step outside its cycle is refused', () => {
    // The PRE_GAME wave at D 06:00 falls after the tomorrow cycle's end (D 05:00).
    expect(() =>
      loadConfig(withFile({ lifecycle: { tomorrow: { predictionWaves: [{ at: 'D 06:00', runMode: 'PRE_GAME' }] } } })),
    ).toThrow(/tomorrow\/wave-1 \(D 06:00\) is after tomorrow.endsAt/);
  });

  test("a window the clock change of the night after D breaks is refused (D+1 02:30 to 03:00 is empty on 2026-03-08's night)", () => {
    // On an ordinary night the window holds; on game date 2026-03-07, 02:30 does not exist and becomes 03:30.
    expect(() =>
      loadConfig(
        withFile({ lifecycle: { overnight: { grading: { firstCheckAt: 'D+1 02:30', lastCheckAt: 'D+1 03:00' } } } }),
      ),
    ).toThrow(/overnight\/grading: its last check is before its first/);
  });

  test('a critical processor must be expected, and the quorum cannot exceed the expected ones', () => {
    expect(() =>
      loadConfig(withFile({ lifecycle: { same_day: { phase3: { critical: ['player_game_summary'] } } } })),
    ).toThrow(/critical processor "player_game_summary" is not expected/);
    expect(() => loadConfig(withFile({ lifecycle: { same_day: { phase3: { minimumComplete: 3 } } } }))).toThrow(
      /lifecycle.same_day.phase3.minimumComplete: cannot exceed the 2 expected processors/,
    );
  });
});
