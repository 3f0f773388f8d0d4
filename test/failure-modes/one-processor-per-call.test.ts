/**
 * Failure mode 4: "One combined trigger message was rejected (400): phase 4 needs one message per source table."
 *
 * The whole stack (dev server, worker, bridge, local platform) lives a date's whole day. The local precompute service
 * rejects a combined legacy trigger with 400 (its `/process` push endpoint takes one message per source table), and
 * its `/process-date` accepts a list, as the real one does. Gameday's guarantee: it never sends a combined trigger.
 * Every phase-4 request of the day is one `/process-date` naming exactly one processor, and none is rejected.
 */
import type { RequestEvent } from '../../local-platform';
import { SCENARIOS } from '../../local-platform';
import type { LocalStack } from '../../scripts/lib/local-stack';
import { liveTheDay, requests, startScenarioStack } from './stack';

const gameDate = '2026-01-23';
let stack: LocalStack;

beforeAll(async () => {
  stack = await startScenarioStack(SCENARIOS.happy, gameDate);
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

test('a whole day: every phase-4 request names exactly one processor, none is rejected, phase 4 is done in every cycle', async () => {
  // The platform of this stack does reject a combined trigger: a 400 here would be seen.
  const combined = await fetch(`${stack.platform.url}/phase4/process`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      message: {
        data: Buffer.from(
          JSON.stringify({
            source_tables: ['player_game_summary', 'team_defense_game_summary'],
            game_date: '2026-01-10',
          }),
        ).toString('base64'),
        messageId: 'combined-1',
      },
    }),
  });
  expect(combined.status).toBe(400);
  const before = stack.platform.events().length;

  const { state } = await liveTheDay(stack, gameDate);
  expect(state.status).toBe('COMPLETE');

  const phase4 = requests(stack.platform.events().slice(before), '/phase4');
  const body = (r: RequestEvent) => r.body as { analysis_date: string; processors: unknown; trigger_source: string };
  // Only the synchronous endpoint, never the combined-trigger push.
  expect([...new Set(phase4.map((r) => r.path))]).toEqual(['/phase4/process-date']);
  for (const request of phase4) {
    expect({ processors: body(request).processors, status: request.status }).toEqual({
      processors: [expect.any(String)],
      status: 200,
    });
    expect(body(request)).toMatchObject({ analysis_date: gameDate, trigger_source: 'gameday' });
  }
  // Each cycle's run calls the five processors one by one; the same-day refreshes call the feature store alone.
  const calls = new Map<string, number>();
  for (const request of phase4) {
    const [className] = body(request).processors as string[];
    calls.set(className, (calls.get(className) ?? 0) + 1);
  }
  const refreshes = stack.config.lifecycle.same_day.featureRefresh.at.length;
  expect(Object.fromEntries(calls)).toEqual(
    Object.fromEntries(
      stack.config.processors[4].map((p) => [p.className, p.name === 'ml_feature_store' ? 3 + refreshes : 3]),
    ),
  );
  for (const cycle of ['tomorrow', 'same_day', 'overnight'] as const) {
    const step = state.cycles[cycle].steps.find((s) => s.kind === 'phase4');
    expect({ cycle, status: step?.status, results: step?.precompute?.map((r) => r.status) }).toEqual({
      cycle,
      status: 'DONE',
      results: stack.config.processors[4].map(() => 'success'),
    });
  }
  expect(state.alerts.filter((a) => a.kind === 'STEP_FAILED')).toEqual([]);
}, 300_000);
