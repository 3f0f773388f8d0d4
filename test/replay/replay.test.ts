/**
 * Deploying while dates are in flight: the recorded histories of representative days (test/fixtures/histories,
 * `npm run record-histories`) replay against the current workflow code. A change that would break the days running
 * in production (a new command order, a renamed activity, a removed timer) fails here; ship such a change behind
 * `patched()` (CONTRIBUTING.md).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker, type ReplayResult } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { workflowBundle } from '../helpers/day-harness';
import { quietRuntime } from '../helpers/tools';

const DIR = join(__dirname, '..', 'fixtures', 'histories');

/** The representative days the issue names: each must stay recorded. */
const REQUIRED = ['full-day', 'partial-trigger', 'stuck-then-forced', 'gate-blocked-then-passed', 'reset', 'cancelled'];

interface Fixture {
  scenario: string;
  description: string;
  runs: { workflowId: string; runId: string; events: number; history: string }[];
}

const readFixtures = (dir: string, label = ''): Fixture[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Fixture)
    .map((f) => ({ ...f, scenario: `${label}${f.scenario}` }));

/** The days recorded with the current workflow code. */
const fixtures: Fixture[] = readFixtures(DIR);
/**
 * Days recorded by earlier workflow code, kept in a folder per change (named for it): the days that were running
 * when that change shipped, which its `patched()` branches must still replay.
 */
const earlier: Fixture[] = readdirSync(DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((entry) => readFixtures(join(DIR, entry.name), `${entry.name}/`));

const histories = (fixture: Fixture) =>
  fixture.runs.map((run) => ({
    workflowId: run.workflowId,
    history: temporal.api.history.v1.History.decode(Buffer.from(run.history, 'base64')),
  }));

async function replay(fixture: Fixture, options: Parameters<typeof Worker.runReplayHistories>[0]) {
  const results: ReplayResult[] = [];
  for await (const result of Worker.runReplayHistories(options, histories(fixture))) results.push(result);
  return results;
}

beforeAll(() => quietRuntime());

test('every representative day is recorded, each run with its events', () => {
  expect(fixtures.map((f) => f.scenario)).toEqual(expect.arrayContaining(REQUIRED));
  for (const fixture of [...fixtures, ...earlier]) {
    for (const run of fixture.runs) {
      expect(histories({ ...fixture, runs: [run] })[0].history.events).toHaveLength(run.events);
    }
  }
  // The whole day continues as new once per cycle: three runs.
  expect(fixtures.find((f) => f.scenario === 'full-day')?.runs).toHaveLength(3);
});

describe.each([...fixtures, ...earlier].map((f) => [f.scenario, f] as const))('replay: %s', (_name, fixture) => {
  test(`${fixture.description}: every run replays without nondeterminism`, async () => {
    const results = await replay(fixture, { workflowBundle: await workflowBundle() });
    expect(results.map((r) => r.error?.message)).toEqual(fixture.runs.map(() => undefined));
  });
});

test('a workflow whose commands differ from the recorded ones fails the replay (the check can fail)', async () => {
  const fullDay = fixtures.find((f) => f.scenario === 'full-day')!;
  const results = await replay(
    { ...fullDay, runs: fullDay.runs.slice(0, 1) },
    { workflowsPath: require.resolve('./incompatible-workflow') },
  );
  expect(results).toHaveLength(1);
  expect(results[0].error).toBeInstanceOf(DeterminismViolationError);
});
