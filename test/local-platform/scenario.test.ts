/**
 * Scenarios: the named ones, validation with clear errors (old knobs such as coordinator.batchDurationMs are
 * refused), the knobs' defaults (background noise on, processor run times in the day's time), and switching while
 * the platform runs (over HTTP too), which restarts the "first N calls" counters.
 */
import { loadConfig } from '../../config/load';
import { SCENARIOS, ScenarioError, startLocalPlatform, validateScenario } from '../../local-platform';
import { COORDINATOR_DEFAULTS, delayOf, noiseOf } from '../../local-platform/scenario';

const config = loadConfig({});

describe('scenarios', () => {
  it('every named scenario is valid against the default config; each names what it breaks', () => {
    for (const [key, scenario] of Object.entries(SCENARIOS)) {
      expect(validateScenario(scenario, config).name).toBe(key);
      expect(scenario.description).toEqual(expect.any(String));
    }
    expect(SCENARIOS.incident.processors?.upcoming_team_game_context?.behaviour).toBe('never');
    expect(SCENARIOS.happy.processors).toBeUndefined();
    expect(noiseOf(SCENARIOS.happy)).toMatchObject({
      untracked: true,
      unnamed: true,
      noneDates: true,
      scheduledPhase4: true,
    });
    expect(noiseOf(SCENARIOS.quiet)).toMatchObject({
      untracked: false,
      unnamed: false,
      noneDates: false,
      scheduledPhase4: false,
    });
    expect(SCENARIOS['forgetful-coordinator'].coordinator?.forgetAfterStatusCalls).toBeGreaterThan(0);
    expect(SCENARIOS['silent-reruns'].dedupeReruns).toBe(true);
    expect(SCENARIOS['silent-403'].processors?.team_defense_zone_analysis?.http403Times).toBeGreaterThan(0);
  });

  it('accepts the knobs of every part: processors of any phase, coordinator, grading, export, noise, publish', () => {
    const scenario = validateScenario(
      {
        name: 'everything',
        gamesByDate: { '2026-01-15': 7 },
        defaultDelayMs: 60_000,
        dedupeReruns: false,
        processors: {
          oddsa_current_event_odds: { behaviour: 'failed', errorMessage: 'odds api 429' },
          odds_api_player_points_props: { behaviour: 'silent' },
          upcoming_player_game_context: { asyncClassName: false, delayMs: 1000 },
          player_daily_cache: { resultFailedTimes: 2, http403Times: 1, http500Times: 1 },
          prediction_coordinator: { behaviour: 'never' },
        },
        coordinator: {
          start503Times: 1,
          start404: 2,
          alreadyRunning: true,
          msPerPlayer: 10,
          completionPct: 90,
          playersPerGame: 12,
          stall: false,
          forgetAfterStatusCalls: 4,
        },
        export: { http500Times: 1 },
        grading: { status: 'auto_heal_pending' },
        noise: {
          untracked: false,
          unnamed: true,
          noneDates: false,
          scheduledPhase4: true,
          injuryRerunsPlayerSummary: true,
        },
        publish: { duplicateDelivery: 2, delayMs: 10, outOfOrder: true },
      },
      config,
    );
    expect(scenario.name).toBe('everything');
    expect(noiseOf(scenario)).toEqual({
      untracked: false,
      unnamed: true,
      noneDates: false,
      scheduledPhase4: true,
      injuryRerunsPlayerSummary: true,
    });
  });

  it.each([
    [
      { name: 'x', processors: { no_such_processor: { behaviour: 'never' } } },
      'processors.no_such_processor: unknown processor',
    ],
    [
      { name: 'x', processors: { PlayerGameSummaryProcessor: {} } },
      'processors.PlayerGameSummaryProcessor: unknown processor',
    ],
    [
      { name: 'x', processors: { player_game_summary: { behaviour: 'sometimes' } } },
      'processors.player_game_summary.behaviour',
    ],
    [{ name: 'x', processors: { player_game_summary: { resultFailedTimes: 1 } } }, 'only phase-4 processors'],
    [{ name: 'x', processors: { player_game_summary: { delayMS: 5 } } }, 'delayMS'],
    [{ name: 'x', coordinator: { batchDurationMs: 150 } }, 'batchDurationMs'],
    [{ name: 'x', coordinator: { completionPct: 120 } }, 'coordinator.completionPct'],
    [{ name: 'x', coordinator: { playersPerGame: 0 } }, 'coordinator.playersPerGame'],
    [{ name: 'x', noise: { loud: true } }, 'loud'],
    [{ name: 'x', grading: { status: '' } }, 'grading.status'],
    [{ name: 'x', publish: { duplicateDelivery: 0 } }, 'publish.duplicateDelivery'],
    [{ name: 'x', defaultDelayMs: 25 * 3_600_000 }, 'defaultDelayMs'],
    [{ name: 'x', gamesByDate: { '2025-13-01': 3 } }, 'gamesByDate'],
    [{ name: 'x', gamesByDate: { '2025-12-01': 21 } }, 'gamesByDate'],
    [{ processors: {} }, 'name'],
  ])('rejects %j with a clear error', (input, text) => {
    expect(() => validateScenario(input, config)).toThrow(ScenarioError);
    expect(() => validateScenario(input, config)).toThrow(text);
  });

  it("a processor's run time is in the day's time: its own, the scenario's default, else 1-4 minutes", () => {
    expect(
      delayOf(
        { name: 'x', processors: { player_game_summary: { delayMs: 7 } }, defaultDelayMs: 3 },
        'player_game_summary',
      ),
    ).toBe(7);
    expect(delayOf({ name: 'x', defaultDelayMs: 3 }, 'player_game_summary')).toBe(3);
    for (const p of config.processors[3]) {
      const delay = delayOf({ name: 'x' }, p.name);
      expect(delay).toBeGreaterThanOrEqual(60_000);
      expect(delay).toBeLessThan(240_000);
      expect(delayOf({ name: 'y' }, p.name)).toBe(delay);
    }
    expect(COORDINATOR_DEFAULTS).toEqual({ msPerPlayer: 3000, completionPct: 100, playersPerGame: 26 });
  });

  it('startLocalPlatform and setScenario validate; switching (also over HTTP) restarts the "first N calls" counters', async () => {
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
      scenario: { name: 'flaky-export', export: { http500Times: 1 } },
      publishUrl: 'http://127.0.0.1:9/x',
      port: 0,
      noDaySimulation: true,
    });
    const exportPush = async () =>
      (
        await fetch(`${platform.url}/export/push`, {
          method: 'POST',
          body: JSON.stringify({
            message: {
              data: Buffer.from(
                JSON.stringify({
                  export_types: ['tonight'],
                  target_date: '2026-01-15',
                  update_latest: true,
                  correlation_id: 'c',
                  trigger_source: 't',
                }),
              ).toString('base64'),
              messageId: String(Math.random()),
            },
          }),
        })
      ).status;
    try {
      expect(await exportPush()).toBe(500);
      expect(await exportPush()).toBe(204);
      expect(() => platform.setScenario({ name: 'bad', defaultDelayMs: -1 })).toThrow(ScenarioError);
      expect(platform.scenario().name).toBe('flaky-export');
      // the same scenario again: its first call fails again
      platform.setScenario({ name: 'flaky-export', export: { http500Times: 1 } });
      expect(await exportPush()).toBe(500);

      const res = await fetch(`${platform.url}/_local/scenario`, {
        method: 'POST',
        body: JSON.stringify({ name: 'incident' }),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { name: string }).name).toBe('incident');
      expect(platform.scenario().name).toBe('incident');
      const custom = await fetch(`${platform.url}/_local/scenario`, {
        method: 'POST',
        body: JSON.stringify({ scenario: { name: 'custom', coordinator: { stall: true } } }),
      });
      expect(custom.status).toBe(200);
      expect(await (await fetch(`${platform.url}/_local/scenario`)).json()).toEqual({
        name: 'custom',
        coordinator: { stall: true },
      });
      const unknown = await fetch(`${platform.url}/_local/scenario`, {
        method: 'POST',
        body: JSON.stringify({ name: 'nope' }),
      });
      expect(unknown.status).toBe(400);
      expect(((await unknown.json()) as { message: string }).message).toContain('unknown scenario "nope"');
      const invalid = await fetch(`${platform.url}/_local/scenario`, {
        method: 'POST',
        body: JSON.stringify({ scenario: { name: 'old', coordinator: { batchDurationMs: 10 } } }),
      });
      expect(invalid.status).toBe(400);
      expect(((await invalid.json()) as { message: string }).message).toContain('batchDurationMs');
      expect(platform.scenario().name).toBe('custom');
      const scenarioEvents = platform.events().filter((e) => e.type === 'scenario');
      expect(scenarioEvents.map((e) => (e.type === 'scenario' ? e.name : ''))).toEqual([
        'flaky-export',
        'incident',
        'custom',
      ]);
    } finally {
      await platform.close();
    }
  });
});
