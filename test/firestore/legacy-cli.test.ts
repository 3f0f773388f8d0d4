/**
 * `gameday import-legacy` and `gameday shadow-report` as an operator runs them: the CLI as a child process against a
 * dev server and the official Firestore emulator (FIRESTORE_EMULATOR_HOST), with --json and exit codes.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FieldValue, Timestamp, type Firestore } from '@google-cloud/firestore';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { legacyActivities } from '../../activities/firestore';
import { loadConfig } from '../../config/load';
import { dayTimeInstant } from '../../domain/day-times';
import { clockWorker, runCli, type ClockWorker } from '../cli/cli-harness';
import {
  describeWithFirestoreEmulator,
  startFirestoreEmulator,
  type FirestoreEmulator,
} from '../helpers/firestore-emulator';
import { createDevServerEnv } from '../helpers/tools';

const PROJECT = 'gameday-cli-legacy';
const describeWithEmulator = describeWithFirestoreEmulator('the legacy CLI tests');
const D = '2026-01-15';

describeWithEmulator('import-legacy and shadow-report', () => {
  let env: TestWorkflowEnvironment;
  let emulator: FirestoreEmulator;
  let db: Firestore;
  let worker: ClockWorker;
  let cliEnv: Record<string, string>;

  beforeAll(async () => {
    [env, emulator] = await Promise.all([createDevServerEnv(), startFirestoreEmulator()]);
    db = emulator.client(PROJECT);
    worker = await clockWorker(env, {
      prefix: `legacy-${randomUUID().slice(0, 6)}-`,
      date: D,
      startsAt: 'D 10:00',
      timeScale: 1,
      config: { legacy: { mode: 'shadow', firestore: { projectId: PROJECT } } },
      overrides: () => ({
        claimLegacyTrigger: legacyActivities(
          loadConfig({}, { legacy: { mode: 'shadow', firestore: { projectId: PROJECT } } }),
          db,
        ).claimLegacyTrigger,
      }),
    });
    cliEnv = {
      GAMEDAY_CONFIG: worker.configFile,
      FIRESTORE_EMULATOR_HOST: emulator.host,
      METADATA_SERVER_DETECTION: 'none',
    };
  }, 180_000);
  afterAll(async () => {
    await worker?.stop();
    await env?.teardown();
    await emulator?.stop();
  });

  test('import delivers the legacy completions once and starts the date; the report shows the legacy trigger', async () => {
    const entry = (id: string) => ({
      completed_at: FieldValue.serverTimestamp(),
      correlation_id: null,
      status: 'success',
      record_count: 12,
      execution_id: id,
    });
    const legacyAt = new Date(dayTimeInstant(D, 'D 09:00', worker.config.timeZone));
    await db
      .collection('phase3_completion')
      .doc(D)
      .set({
        upcoming_player_game_context: entry('dd000001'),
        upcoming_team_game_context: entry('dd000002'),
        _triggered: true,
        _triggered_at: Timestamp.fromDate(legacyAt),
        _trigger_reason: 'critical_plus_majority_100pct',
      });

    const first = await runCli(['import-legacy', D, '--json'], cliEnv);
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
    const imported = first.json<{ dates: { delivered: number; existed: boolean }[] }>().dates[0];
    expect(imported).toMatchObject({ delivered: 2, existed: false });
    const state = await worker.state(D);
    expect(Object.keys(state.processors)).toEqual(
      expect.arrayContaining(['3:upcoming_player_game_context', '3:upcoming_team_game_context']),
    );

    const again = await runCli(['import-legacy', '--from', D, '--to', D, '--json'], cliEnv);
    expect(again.code).toBe(0);
    expect(again.json<{ dates: { delivered: number }[] }>().dates[0].delivered).toBe(0);

    const report = await runCli(['shadow-report', '--days', '2', '--json'], cliEnv);
    expect({ code: report.code, stderr: report.stderr }).toEqual({ code: 0, stderr: '' });
    const { rows, dates } = report.json<{
      dates: string[];
      rows: { gameDate: string; cycle: string; phase: number; legacy: { triggered: boolean; reason?: string } }[];
    }>();
    expect(dates).toEqual(['2026-01-14', D]);
    expect(rows).toHaveLength(2 * 3 * 2);
    expect(rows.filter((r) => r.legacy.triggered)).toEqual([
      expect.objectContaining({
        gameDate: D,
        cycle: 'same_day',
        phase: 4,
        legacy: expect.objectContaining({ reason: 'critical_plus_majority_100pct' }),
      }),
    ]);

    const human = await runCli(['shadow-report', '--days', '1'], cliEnv);
    expect(human.stdout).toMatch(/2026-01-15 same_day\s+phase 4: first \w+\s+gameday .*legacy triggered at/);
  }, 180_000);

  test('usage errors exit 3 and change nothing', async () => {
    expect((await runCli(['import-legacy', D, '--from', D, '--to', D], cliEnv)).code).toBe(3);
    expect((await runCli(['import-legacy'], cliEnv)).code).toBe(3);
    expect((await runCli(['shadow-report', '--days', 'x'], cliEnv)).code).toBe(3);
  });

  test('no Google credentials (no emulator either): exit 2 with what to set, JSON with --json', async () => {
    const home = mkdtempSync(join(tmpdir(), 'gameday-no-adc-'));
    const noCredentials = { ...cliEnv, FIRESTORE_EMULATOR_HOST: '', GOOGLE_APPLICATION_CREDENTIALS: '', HOME: home };
    const hint = /^no Google credentials for Firestore: set GOOGLE_APPLICATION_CREDENTIALS/;
    const imported = await runCli(['import-legacy', D, '--dry-run', '--json'], noCredentials);
    expect(imported.code).toBe(2);
    expect(imported.json()).toEqual({ error: expect.stringMatching(hint), exitCode: 2 });
    const report = await runCli(['shadow-report', '--days', '1'], noCredentials);
    expect(report.code).toBe(2);
    expect(report.stderr).toMatch(/^gameday: no Google credentials for Firestore/);
  });
});
