/**
 * `gameday status` shows, for each phase-3 processor of a cycle, the run that cycle counted, not one from another; and
 * the predictions' active rows once the deadline has counted them.
 */
import type { DateRun } from '../../cli/pipeline';
import { renderState } from '../../cli/format';
import { loadConfig } from '../../config/load';
import { planDay } from '../../domain/day-plan';
import { dayTimeInstant } from '../../domain/day-times';
import { newDayState } from '../../workflows/day/record';

const config = loadConfig({});
const gameDate = '2026-01-15';
const at = (dayTime: string) => new Date(dayTimeInstant(gameDate, dayTime, config.timeZone)).toISOString();

test('each cycle shows its own counted run of a processor (runs are kept newest first)', () => {
  const now = dayTimeInstant(gameDate, 'D 14:00', config.timeZone);
  const state = newDayState({
    gameDate,
    workflowId: `gameday-${gameDate}`,
    runId: 'r1',
    plan: planDay(gameDate, config.lifecycle, config.timeZone),
    clock: { scale: 1, virtualAnchorMs: now, realAnchorMs: now },
    now,
    startCycle: 'tomorrow',
  });
  const run = (dayTime: string, recordCount: number) => ({
    executionId: dayTime,
    status: 'success' as const,
    at: at(dayTime),
    recordCount,
    source: 'message' as const,
  });
  state.processors['3:upcoming_player_game_context'] = {
    phase: 3,
    name: 'upcoming_player_game_context',
    messages: 3,
    runs: [run('D 13:16', 52), run('D 05:16', 51), run('D-1 17:05', 50)],
  };
  for (const cycle of ['tomorrow', 'same_day'] as const) {
    const step = state.cycles[cycle].steps.find((s) => s.kind === 'phase3')!;
    step.status = 'DONE';
    step.phase3 = {
      expected: ['upcoming_player_game_context'],
      critical: [],
      complete: ['upcoming_player_game_context'],
    };
  }
  const dateRun: DateRun = {
    gameDate,
    workflowId: state.workflowId,
    runId: 'r1',
    executionStatus: 'RUNNING',
    searchAttributes: {},
    state,
    stateSource: 'query',
  };
  const lines = renderState(dateRun, 'http://ui', config.timeZone).filter((l) =>
    l.includes('upcoming_player_game_context:'),
  );
  expect(lines.map((l) => l.trim())).toEqual([
    'upcoming_player_game_context: complete (5:05 PM ET, 50 records)',
    'upcoming_player_game_context: complete (5:16 AM ET, 51 records)',
  ]);
  state.predictions = { ready: true, readyAt: at('D 08:04'), completionPct: 100, batchId: 'b1', activeRows: 120 };
  expect(renderState(dateRun, 'http://ui', config.timeZone).filter((l) => l.startsWith('Predictions:'))).toEqual([
    'Predictions: ready since 8:04 AM ET (batch b1, 100%, 120 active rows)',
  ]);
});
