/** The bridge's text lines as JSON: game date and workflow ID as fields, levels by what happened. */
import { loadConfig } from '../../config/load';
import { bridgeLogLine } from '../../workers/observability/bridge-log';
import { createLogger } from '../../workers/observability/logger';

function logged(line: string): Record<string, unknown> {
  const lines: string[] = [];
  const logger = createLogger(loadConfig({}), 'bridge', { write: (text: string) => void lines.push(text) });
  bridgeLogLine(logger)(line);
  return JSON.parse(lines[0]) as Record<string, unknown>;
}

describe('bridge log lines', () => {
  it('names the date and workflow of a delivery', () => {
    expect(logged('delivered upcoming_team_game_context success for 2025-12-29 -> gameday-2025-12-29')).toMatchObject({
      level: 'info',
      component: 'bridge',
      gameDate: '2025-12-29',
      workflowId: 'gameday-2025-12-29',
      message: 'delivered upcoming_team_game_context success for 2025-12-29 -> gameday-2025-12-29',
    });
  });

  it('warns about pushes Temporal did not take or that were rejected, and errors on bridge errors', () => {
    expect(logged('Temporal did not take m-1 (unavailable): connection refused')).toMatchObject({ level: 'warn' });
    expect(logged('rejected a push (401): no bearer token')).toMatchObject({ level: 'warn' });
    expect(logged('bridge error: boom')).toMatchObject({ level: 'error' });
  });

  it('takes the date from an acknowledged message when it names one', () => {
    const line = logged(
      'acknowledged m-2 (closed): the day of 2025-12-28 is over (workflow gameday-2025-12-28 closed)',
    );
    expect(line).toMatchObject({ level: 'info', gameDate: '2025-12-28' });
    expect(line.workflowId).toBeUndefined();
  });
});
