import { loadConfig } from '../../config/load';
import { SCENARIOS, ScenarioError, startLocalPlatform, validateScenario } from '../../local-platform';

const config = loadConfig({});

describe('scenarios', () => {
  it('every named scenario is valid against the default config, and happy/incident exist', () => {
    for (const [key, scenario] of Object.entries(SCENARIOS)) {
      expect(validateScenario(scenario, config).name).toBe(key);
    }
    expect(SCENARIOS.incident.processors?.upcoming_team_game_context?.behaviour).toBe('never');
    expect(SCENARIOS.happy.processors).toBeUndefined();
  });

  it.each([
    [
      { name: 'x', processors: { no_such_processor: { behaviour: 'never' } } },
      'processors.no_such_processor: unknown processor',
    ],
    [
      { name: 'x', processors: { player_game_summary: { behaviour: 'sometimes' } } },
      'processors.player_game_summary.behaviour',
    ],
    [{ name: 'x', processors: { player_game_summary: { resultFailedTimes: 1 } } }, 'only phase-4 processors'],
    [{ name: 'x', processors: { player_game_summary: { delayMS: 5 } } }, 'delayMS'],
    [{ name: 'x', coordinator: { completionPct: 120 } }, 'coordinator.completionPct'],
    [{ name: 'x', gamesByDate: { '2025-13-01': 3 } }, 'gamesByDate'],
    [{ processors: {} }, 'name'],
  ])('rejects %j with a clear error', (input, text) => {
    expect(() => validateScenario(input, config)).toThrow(ScenarioError);
    expect(() => validateScenario(input, config)).toThrow(text);
  });

  it('startLocalPlatform and setScenario validate the scenario', async () => {
    await expect(
      startLocalPlatform({
        config,
        scenario: { name: 'bad', processors: { nope: {} } },
        publishUrl: 'http://127.0.0.1:9/x',
        port: 0,
      }),
    ).rejects.toThrow('unknown processor');
    const platform = await startLocalPlatform({
      config,
      scenario: SCENARIOS.happy,
      publishUrl: 'http://127.0.0.1:9/x',
      port: 0,
    });
    try {
      expect(() => platform.setScenario({ name: 'bad', defaultDelayMs: -1 })).toThrow(ScenarioError);
      expect(platform.scenario().name).toBe('happy');
      // switching over HTTP (for the demo)
      const res = await fetch(`${platform.url}/_local/scenario`, {
        method: 'POST',
        body: JSON.stringify({ name: 'incident' }),
      });
      expect(res.status).toBe(200);
      expect(platform.scenario().name).toBe('incident');
      const bad = await fetch(`${platform.url}/_local/scenario`, {
        method: 'POST',
        body: JSON.stringify({ name: 'nope' }),
      });
      expect(bad.status).toBe(400);
    } finally {
      await platform.close();
    }
  });
});
