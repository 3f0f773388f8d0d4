/** Usage errors the CLI finds before connecting (the server address is unreachable: a connection would exit 2). */
import { runCli } from './cli-harness';

const OFFLINE = { TEMPORAL_ADDRESS: '127.0.0.1:1', TEMPORAL_HTTP_ADDRESS: '', GAMEDAY_CONNECT_TIMEOUT: '1' };

describe('usage errors: exit 3 before connecting', () => {
  test('with --json, a parse error is JSON on stdout too', async () => {
    const runs = await Promise.all([
      runCli(['force', '2025-12-29', '--phase', '4', '--json'], OFFLINE),
      runCli(['status', '--bogus', '--json'], OFFLINE),
      runCli(['bogus', '--json'], OFFLINE),
    ]);
    expect(runs.map((r) => r.code)).toEqual([3, 3, 3]);
    expect(runs.map((r) => r.json())).toEqual([
      { error: "required option '--reason <text>' not specified", exitCode: 3 },
      { error: "unknown option '--bogus'", exitCode: 3 },
      { error: expect.stringMatching(/^unknown command 'bogus'/), exitCode: 3 },
    ]);
    expect(runs[0].stderr).toMatch(/required option '--reason <text>' not specified/);
  });

  test('without --json, stdout stays empty', async () => {
    const run = await runCli(['status', '--bogus'], OFFLINE);
    expect(run).toMatchObject({ code: 3, stdout: '' });
    expect(run.stderr).toMatch(/unknown option '--bogus'/);
  });

  test('force refuses the phases Gameday only observes', async () => {
    const runs = await Promise.all(
      ['1', 'raw'].map((phase) => runCli(['force', '2025-12-29', '--phase', phase, '--reason', 'x'], OFFLINE)),
    );
    expect(runs.map((r) => r.code)).toEqual([3, 3]);
    expect(runs[0].stderr).toBe(
      'gameday: phase 1 (scrapers) is observed, not driven, by Gameday: force phase 3, 4, 5, 6 (run the scrapers or raw processors on the platform)\n',
    );
    expect(runs[1].stderr).toMatch(/^gameday: phase 2 \(raw\) is observed, not driven/);
  });
});
