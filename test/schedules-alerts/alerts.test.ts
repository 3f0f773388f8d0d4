import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import {
  alertActivities,
  alertChannelsFromEnv,
  emailChannel,
  logChannel,
  notificationActivities,
  webhookChannel,
  type AlertRequest,
} from '../../activities/alerts/alerts';
import { createDeliveryLedger } from '../../activities/alerts/ledger';
import { loadConfig } from '../../config/load';
import { startSmtpServer, startWebhookReceiver } from '../helpers/alert-receivers';
import { quietRuntime } from '../helpers/tools';

const config = loadConfig({});
const stuck: AlertRequest = {
  key: 'gameday-2025-12-29:PHASE_STUCK:3',
  kind: 'PHASE_STUCK',
  phase: 3,
  message: 'phase 3 (analytics) of 2025-12-29 is stuck: 2/5 complete; missing critical upcoming_player_game_context',
  fixCommand: 'gameday force 2025-12-29 --phase 4 --reason "stuck"',
  raisedAt: '2025-12-29T17:31:00.000Z',
  gameDate: '2025-12-29',
  workflowId: 'gameday-2025-12-29',
};

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let hook: Awaited<ReturnType<typeof startWebhookReceiver>>;
let hookStatus = 200;
beforeAll(async () => {
  quietRuntime();
  smtp = await startSmtpServer();
  hook = await startWebhookReceiver(() => hookStatus);
});
afterAll(async () => {
  await smtp?.close();
  await hook?.close();
});
beforeEach(() => {
  smtp.mails.length = 0;
  hook.bodies.length = 0;
  hookStatus = 200;
});

const channels = () => [
  logChannel,
  webhookChannel(hook.url),
  emailChannel({ smtpUrl: smtp.url, to: 'oncall@example.com', from: 'gameday@example.com' }),
];
/** Runs an activity as the worker would, inside a workflow run's activity context. */
const inRun = <A extends unknown[], R>(runId: string, fn: (...args: A) => Promise<R>, ...args: A): Promise<R> =>
  new MockActivityEnvironment({
    workflowExecution: { workflowId: 'gameday-2025-12-29', runId },
  } as never).run(fn, ...args) as Promise<R>;

test('an alert reaches the webhook and the SMTP server exactly once, with date, phase, what is missing and the fix', async () => {
  const { raiseAlert } = alertActivities({ channels: channels(), ledger: createDeliveryLedger(), config });
  await inRun('run-1', raiseAlert, stuck);
  await inRun('run-1', raiseAlert, stuck); // the activity retried, or the condition seen again
  await inRun('run-1', raiseAlert, { ...stuck, raisedAt: '2025-12-29T18:00:00.000Z' });
  expect(hook.bodies).toHaveLength(1);
  expect(smtp.mails).toHaveLength(1);
  for (const text of [hook.bodies[0].text, smtp.mails[0].text]) {
    expect(text).toContain('Date: 2025-12-29');
    expect(text).toContain('Phase: phase 3 (analytics)');
    expect(text).toContain('missing critical upcoming_player_game_context');
    expect(text).toContain('Fix: gameday force 2025-12-29 --phase 4 --reason "stuck"');
  }
  expect(smtp.mails[0].subject).toBe('[gameday] PHASE_STUCK 2025-12-29 phase 3 (analytics)');
  expect(smtp.mails[0].to).toEqual(['<oncall@example.com>']);

  // A rerun of the date (same workflow ID, new run) is a new condition: it alerts again, once.
  await inRun('run-2', raiseAlert, stuck);
  await inRun('run-2', raiseAlert, stuck);
  expect(hook.bodies).toHaveLength(2);
  expect(smtp.mails).toHaveLength(2);
});

test('a failing channel fails the activity; the retry delivers only there', async () => {
  const { raiseAlert } = alertActivities({ channels: channels(), ledger: createDeliveryLedger(), config });
  hookStatus = 500;
  await expect(inRun('run-1', raiseAlert, stuck)).rejects.toThrow(/not delivered to slack: webhook answered 500/);
  expect(smtp.mails).toHaveLength(1);
  expect(hook.bodies).toHaveLength(0);
  hookStatus = 200;
  await inRun('run-1', raiseAlert, stuck);
  expect(hook.bodies).toHaveLength(1);
  expect(smtp.mails).toHaveLength(1);
});

test('the file ledger survives a worker restart', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'gameday-ledger-')), 'alerts-sent.jsonl');
  const first = alertActivities({ channels: channels(), ledger: createDeliveryLedger(path), config });
  await inRun('run-1', first.raiseAlert, stuck);
  const restarted = alertActivities({ channels: channels(), ledger: createDeliveryLedger(path), config });
  await inRun('run-1', restarted.raiseAlert, stuck);
  expect(hook.bodies).toHaveLength(1);
  expect(smtp.mails).toHaveLength(1);
});

test('the daily summary is sent once per key', async () => {
  const { sendNotification } = notificationActivities({ channels: channels(), ledger: createDeliveryLedger() });
  const summary = { key: 'daily-summary:2025-12-30:2025-12-29,2025-12-30', subject: 'summary', text: 'body' };
  const first = await inRun('s', sendNotification, summary);
  const second = await inRun('s', sendNotification, summary);
  expect(first.sent).toEqual(['log', 'slack', 'email']);
  expect(second).toEqual({ key: summary.key, sent: [], alreadySent: ['log', 'slack', 'email'] });
  expect(hook.bodies).toHaveLength(1);
  expect(smtp.mails).toHaveLength(1);
});

test('channels come from the environment (secrets) and the config (recipients); the log always', () => {
  expect(alertChannelsFromEnv(config, {}).map((c) => c.name)).toEqual(['log']);
  const env = { GAMEDAY_SLACK_WEBHOOK_URL: hook.url, GAMEDAY_SMTP_URL: smtp.url, GAMEDAY_ALERT_EMAIL_TO: 'a@b.c' };
  expect(alertChannelsFromEnv(loadConfig(env), env).map((c) => c.name)).toEqual(['log', 'slack', 'email']);
});

test('schedule times that daylight-saving days skip or repeat are refused', () => {
  expect(() => loadConfig({}, { schedules: { selfHeal: { enabled: true, times: ['02:30'] } } })).toThrow(
    /schedules.selfHeal.times.0: must avoid 01:00-02:59/,
  );
  expect(() => loadConfig({}, { schedules: { pipelineToday: { times: ['01:15'] } } })).toThrow(/must avoid/);
});
