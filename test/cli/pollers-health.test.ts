/**
 * `gameday health` on a worker killed without a goodbye: the server keeps listing it as a poller for minutes; only
 * pollers seen within the last 90 s count.
 */
import { google } from '@temporalio/proto';
import { pollersHealth, POLLER_STALE_MS } from '../../cli/commands/health';

const now = Date.parse('2026-01-15T12:00:00Z');
const seen = (identity: string, agoMs: number) => ({
  identity,
  lastAccessTime: google.protobuf.Timestamp.fromObject({
    seconds: Math.floor((now - agoMs) / 1000),
    nanos: 0,
  }),
});

test('a poller seen a minute ago is live; one not seen for two minutes is named as gone', () => {
  const check = pollersHealth('workflow', 'gameday', [seen('live@a', 60_000), seen('dead@b', 120_000)], now);
  expect(check).toEqual({
    name: 'workflow workers',
    level: 'ok',
    message: '1 poller(s) on task queue gameday: live@a; gone (not seen for 90 s): dead@b (120 s ago)',
  });
});

test('only stale pollers: FAIL, naming the dead worker', () => {
  const check = pollersHealth('activity', 'gameday', [seen('dead@b', POLLER_STALE_MS + 1000)], now);
  expect(check.level).toBe('fail');
  expect(check.message).toBe('no worker polls task queue gameday; gone (not seen for 90 s): dead@b (91 s ago)');
});

test('no pollers: FAIL', () => {
  expect(pollersHealth('activity', 'q', [], now)).toMatchObject({
    level: 'fail',
    message: 'no worker polls task queue q',
  });
});
