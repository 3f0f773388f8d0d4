/** The shadow report's comparison: the legacy's one trigger of a date lands in its cycle; who was first, by how much. */
import { compare, shadowLogEvents } from '../../clients/shadow-report';
import { loadConfig } from '../../config/load';
import type { DayState, StepState } from '../../contracts/state';

const config = loadConfig({});
const from = Date.parse('2026-01-14T22:00:00Z');
const to = Date.parse('2026-01-15T10:00:00Z');
const noLegacy = { triggered: false, triggerPending: false, completions: 0 };

function stateWith(step: Partial<StepState>): DayState {
  return {
    cycles: { tomorrow: { steps: [{ kind: 'phase4', id: 'tomorrow/phase4', status: 'SKIPPED', ...step }] } },
  } as unknown as DayState;
}

test('Gameday would have triggered 25 minutes before the legacy did', () => {
  const state = stateWith({ legacy: { outcome: 'would-trigger', reason: 'r', at: '2026-01-14T22:35:00.000Z' } });
  const legacy = {
    ...noLegacy,
    triggered: true,
    triggeredAt: '2026-01-14T23:00:00.000Z',
    triggerReason: 'all_complete',
    completions: 2,
  };
  const row = compare('2026-01-15', 'tomorrow', 4, legacy, state, from, to);
  expect(row).toMatchObject({
    first: 'gameday',
    gamedayLeadMinutes: 25,
    legacy: { triggered: true, reason: 'all_complete', completions: 2 },
    gameday: { outcome: 'would-trigger', step: 'tomorrow/phase4' },
  });
  const [event] = shadowLogEvents([row], config);
  expect(event).toMatchObject({
    executionId: 'shadow:2026-01-15:tomorrow:phase4',
    processorName: 'shadow_report',
    status: 'first_gameday',
    dataDate: '2026-01-15',
    recordsProcessed: 2,
  });
});

test('the legacy triggered first: Gameday deferred', () => {
  const state = stateWith({ legacy: { outcome: 'would-defer', reason: 'r', at: '2026-01-14T23:10:00.000Z' } });
  const legacy = { ...noLegacy, triggered: true, triggeredAt: '2026-01-14T23:00:00.000Z' };
  expect(compare('2026-01-15', 'tomorrow', 4, legacy, state, from, to)).toMatchObject({ first: 'legacy' });
});

test("a legacy trigger outside the cycle is not this cycle's; a Gameday claim is not a legacy trigger", () => {
  const outside = { ...noLegacy, triggered: true, triggeredAt: '2026-01-15T11:00:00.000Z' };
  expect(compare('2026-01-15', 'tomorrow', 4, outside, undefined, from, to)).toMatchObject({
    first: 'neither',
    legacy: { triggered: false },
  });
  const ours = { ...noLegacy, triggered: true, triggeredBy: 'gameday', triggeredAt: '2026-01-14T23:00:00.000Z' };
  expect(compare('2026-01-15', 'tomorrow', 4, ours, undefined, from, to).legacy.triggered).toBe(false);
});
