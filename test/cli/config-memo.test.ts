/**
 * The CLI bundle's validation memo (cli/config-memo.ts): a config the schema accepted is not validated again by the
 * same build; another config, another build, or a config the schema refuses is.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileValidationMemo } from '../../cli/config-memo';
import { ConfigError, loadConfig } from '../../config/load';
import { configSchema } from '../../config/schema';

const memoDir = () => join(mkdtempSync(join(tmpdir(), 'gameday-memo-')), 'configs-accepted');

test('configs accepted once are remembered for this build; another config or build is validated again', () => {
  const dir = memoDir();
  const memo = fileValidationMemo(dir, 'build-1');
  const config = loadConfig({ GAMEDAY_TASK_QUEUE: 'q1' }, {}, memo);
  const [file] = readdirSync(dir);
  const [stamp, text] = readFileSync(join(dir, file), 'utf8').split(/\n(.*)/s);
  expect(stamp).toBe('build-1');
  expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(config)));
  expect(memo.accepted(text)).toBe(true);
  expect(loadConfig({ GAMEDAY_TASK_QUEUE: 'q1' }, {}, memo)).toEqual(config);
  expect(fileValidationMemo(dir, 'build-2').accepted(text)).toBe(false);
  expect(memo.accepted(text.replace('"q1"', '"q2"'))).toBe(false);
  // A second config is remembered beside the first (a user switching between two servers).
  loadConfig({ GAMEDAY_TASK_QUEUE: 'q2' }, {}, memo);
  expect(readdirSync(dir)).toHaveLength(2);
  expect(memo.accepted(text)).toBe(true);
  expect(memo.accepted(text.replace('"q1"', '"q2"'))).toBe(true);
});

test('a refused config is refused every time, memo or not', () => {
  const memo = fileValidationMemo(memoDir(), 'build-1');
  const bad = { TEMPORAL_HTTP_ADDRESS: 'http://127.0.0.1:7243' };
  expect(() => loadConfig(bad, {}, memo)).toThrow(ConfigError);
  expect(() => loadConfig(bad, {}, memo)).toThrow(
    /temporal\.httpAddress: must be host:port \(got "http:\/\/127\.0\.0\.1:7243"\)/,
  );
});

test('an unreadable memo validates; an unwritable one is ignored', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-memo-'));
  writeFileSync(join(dir, 'file'), '');
  const memo = fileValidationMemo(join(dir, 'file', 'below-a-file.json'), 'build-1');
  const config = loadConfig({}, {}, memo);
  expect(memo.accepted(JSON.stringify(config))).toBe(false);
});

test("the memo's premise: the schema returns what it accepts unchanged (no transforms, no defaults filled in)", () => {
  const config = loadConfig({ GAMEDAY_TASK_QUEUE: 'q3' });
  expect(configSchema.parse(structuredClone(config))).toStrictEqual(config);
  expect(JSON.stringify(configSchema.parse(JSON.parse(JSON.stringify(config))))).toBe(JSON.stringify(config));
});
