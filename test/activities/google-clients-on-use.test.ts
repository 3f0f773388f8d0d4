/**
 * The Google client packages load when a feature uses them, not when the worker builds its activities: a worker with
 * the warehouse off, no Firestore (legacy documents, alert ledger) and triggers posted over HTTP carries none of them
 * (each adds 17 to 38 MB to a bare Node process; the season benchmark's worker starts about 20 MB smaller). Checked in
 * a fresh Node process: jest keeps a module registry of its own.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const PACKAGES = ['@google-cloud/bigquery', '@google-cloud/firestore', '@google-cloud/pubsub'];

/** Runs `script` after building every activity from the default config; answers which packages were loaded. */
function loadedAfter(script: string): string[] {
  const program = `
    const { createActivities } = require('./activities');
    const { loadConfig } = require('./config/load');
    const activities = createActivities(loadConfig({}, {}));
    ${script}
    const loaded = ${JSON.stringify(PACKAGES)}.filter((name) =>
      Object.keys(require.cache).some((file) => file.includes('/node_modules/' + name + '/')),
    );
    process.stdout.write(JSON.stringify(loaded));
  `;
  const out = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', program], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return JSON.parse(out) as string[];
}

describe('Google client packages', () => {
  it('are not loaded by building the activities of a worker that does not use them', () => {
    expect(loadedAfter('')).toEqual([]);
  });

  it('load when a feature first needs one (so the check above can see them)', () => {
    const script = `
      const { createBigQueryClient } = require('./warehouse/client');
      const { legacyFirestore } = require('./activities/firestore/legacy-docs');
      createBigQueryClient({ ...loadConfig({}, {}).warehouse, apiEndpoint: 'http://127.0.0.1:9' });
      legacyFirestore(loadConfig({}, {}));
    `;
    expect(loadedAfter(script)).toEqual(['@google-cloud/bigquery', '@google-cloud/firestore']);
  });
});
