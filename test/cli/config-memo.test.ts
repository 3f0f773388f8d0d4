/**
 * The CLI bundle's validation memo (cli/config-memo.ts): a config the schema accepted is not validated again by the
 * same build; a changed config, another build, or a config the schema refuses is.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileValidationMemo } from '../../cli/config-memo';
import { ConfigError, loadConfig } from '../../config/load';

const memoFile = () => join(mkdtempSync(join(tmpdir(), 'gameday-memo-')), 'config-accepted.json');

test('a config accepted once is remembered for this build; another config or build is validated again', () => {
  const file = memoFile();
  const memo = fileValidationMemo(file, 'build-1');
  const config = loadConfig({ GAMEDAY_TASK_QUEUE: 'q1' }, {}, memo);
  const [stamp, text] = readFileSync(file, 'utf8').split(/\n(.*)/s);
  expect(stamp).toBe('build-1');
  expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(config)));
  expect(memo.accepted(text)).toBe(true);
  expect(loadConfig({ GAMEDAY_TASK_QUEUE: 'q1' }, {}, memo)).toEqual(config);
  expect(fileValidationMemo(file, 'build-2').accepted(text)).toBe(false);
  loadConfig({ GAMEDAY_TASK_QUEUE: 'q2' }, {}, memo);
  expect(memo.accepted(text)).toBe(false);
});

test('a refused config is refused every time, memo or not', () => {
  const file = memoFile();
  const memo = fileValidationMemo(file, 'build-1');
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
