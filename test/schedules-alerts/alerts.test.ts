/**
 * Alert delivery: the webhook and SMTP channels against local receivers, the delivery ledger (once per key and
 * chain of runs), the alert text (date, phase, cycle, problem, fix command), the daily summary's notification.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import {
  alertActivities,
  alertChannelsFromEnv,
  emailChannel,
  formatAlert,
  logChannel,
  notificationActivities,
  webhookChannel,
  type AlertRequest,
} from '../../activities/alerts/alerts';
import { createDeliveryLedger } from '../../activities/alerts/ledger';
import { loadConfig } from '../../config/load';
import { forceCommand } from '../../domain/commands';
import { startSmtpServer, startWebhookReceiver } from '../helpers/alert-receivers';
import { quietRuntime } from '../helpers/tools';

const config = loadConfig({});
const DATE = '2025-12-29';
const WORKFLOW = `gameday-${DATE}`;
/** As the date's workflow raises it: phase 4 of the same_day cycle waits for a phase 3 that never came. */
const stuck: AlertRequest = {
  key: `${WORKFLOW}:STEP_STUCK:same_day/phase4`,
  kind: 'STEP_STUCK',
  phase: 4,
  cycle: 'same_day',
  message: `${DATE} same_day: phase 4 waits for phase 3 (phase 3 is not in 15 min after D 06:00); missing critical upcoming_player_game_context`,
  fixCommand: forceCommand(DATE, 4, 'phase 3 stuck'),
  raisedAt: '2025-12-29T11:15:00.000Z',
  gameDate: DATE,
  workflowId: WORKFLOW,
  // The workflow scopes its alerts to its chain of runs (the first run's ID): continue-as-new keeps it.
  dedupeScope: 'chain-1',
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
const quiet = new DefaultLogger('ERROR');
/** Runs an activity as the worker would, inside a workflow run's activity context. */
const inRun = <A extends unknown[], R>(runId: string, fn: (...args: A) => Promise<R>, ...args: A): Promise<R> =>
  new MockActivityEnvironment({ workflowExecution: { workflowId: WORKFLOW, runId } } as never, { logger: quiet }).run(
    fn,
    ...args,
  ) as Promise<R>;

test('the alert text names the date, the phase and its cycle, the problem, the fix command and the UI page', () => {
  const { subject, text, key } = formatAlert(stuck, config);
  expect(subject).toBe(`[gameday] STEP_STUCK ${DATE} phase 4 (precompute)`);
  expect(text.split('\n')).toEqual([
    `Date: ${DATE}`,
    'Phase: phase 4 (precompute) (same_day)',
    `Problem: ${stuck.message}`,
    `Fix: gameday force ${DATE} --phase 4 --reason "phase 3 stuck"`,
    `Workflow: ${WORKFLOW}`,
    `UI: http://127.0.0.1:8233/namespaces/default/workflows/${WORKFLOW}`,
    `Raised: ${stuck.raisedAt}`,
    `Key: ${stuck.key}`,
  ]);
  expect(key).toBe(stuck.key);
  // Without a fix command of its own, an alert points to the status command; without a phase, to the pipeline.
  const cancelled = formatAlert(
    { ...stuck, kind: 'DAY_CANCELLED', phase: undefined, cycle: undefined, fixCommand: undefined },
    config,
  );
  expect(cancelled.subject).toBe(`[gameday] DAY_CANCELLED ${DATE} pipeline`);
  expect(cancelled.text).toContain('Phase: pipeline\n');
  expect(cancelled.text).toContain(`Fix: gameday status ${DATE}`);
});

test('an alert reaches the webhook and the SMTP server exactly once per key and chain of runs', async () => {
  const { raiseAlert } = alertActivities({ channels: channels(), ledger: createDeliveryLedger(), config });
  await inRun('run-1', raiseAlert, stuck);
  await inRun('run-1', raiseAlert, stuck); // the activity retried
  // The next cycle's run (continue-as-new) carries the same alert in its outbox: the chain scope says it was sent.
  await inRun('run-2', raiseAlert, { ...stuck, raisedAt: '2025-12-29T12:00:00.000Z' });
  expect(hook.bodies).toHaveLength(1);
  expect(smtp.mails).toHaveLength(1);
  for (const text of [hook.bodies[0].text, smtp.mails[0].text]) {
    expect(text).toContain(`Date: ${DATE}`);
    expect(text).toContain('Phase: phase 4 (precompute) (same_day)');
    expect(text).toContain('missing critical upcoming_player_game_context');
    expect(text).toContain(`Fix: gameday force ${DATE} --phase 4 --reason "phase 3 stuck"`);
  }
  expect(hook.bodies[0].text.split('\n')[0]).toBe(`*[gameday] STEP_STUCK ${DATE} phase 4 (precompute)*`);
  expect(smtp.mails[0].subject).toBe(`[gameday] STEP_STUCK ${DATE} phase 4 (precompute)`);
  expect(smtp.mails[0].to).toEqual(['<oncall@example.com>']);

  // A rerun of the date starts a new chain (same workflow ID): the same condition alerts again, once.
  await inRun('run-3', raiseAlert, { ...stuck, dedupeScope: 'chain-2' });
  await inRun('run-3', raiseAlert, { ...stuck, dedupeScope: 'chain-2' });
  expect(hook.bodies).toHaveLength(2);
  expect(smtp.mails).toHaveLength(2);
  // A restarted step is a new condition (its key has the restart): sent too.
  await inRun('run-3', raiseAlert, { ...stuck, key: `${stuck.key}#1`, dedupeScope: 'chain-2' });
  expect(hook.bodies).toHaveLength(3);
});

test('without a scope the raising workflow run is the scope (self-heal and one-off callers)', async () => {
  const { raiseAlert } = alertActivities({ channels: channels(), ledger: createDeliveryLedger(), config });
  const unscoped = { ...stuck, dedupeScope: undefined };
  await inRun('run-1', raiseAlert, unscoped);
  await inRun('run-1', raiseAlert, unscoped);
  await inRun('run-2', raiseAlert, unscoped);
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

test('the file ledger survives a worker restart, and a torn last line is ignored', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'gameday-ledger-')), 'alerts-sent.jsonl');
  const first = alertActivities({ channels: channels(), ledger: createDeliveryLedger(path), config });
  await inRun('run-1', first.raiseAlert, stuck);
  const lines = readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { channel: string; key: string });
  expect(lines.map((l) => [l.channel, l.key])).toEqual(
    ['log', 'slack', 'email'].map((channel) => [channel, `${stuck.key}@chain-1`]),
  );
  const restarted = alertActivities({ channels: channels(), ledger: createDeliveryLedger(path), config });
  await inRun('run-1', restarted.raiseAlert, stuck);
  expect(hook.bodies).toHaveLength(1);
  expect(smtp.mails).toHaveLength(1);
  // A crash mid-append leaves a torn line: the ledger still loads.
  const { appendFileSync } = await import('node:fs');
  appendFileSync(path, '{"channel":"sla');
  expect(createDeliveryLedger(path).has('email', `${stuck.key}@chain-1`)).toBe(true);
});

test('the daily summary is sent once per key', async () => {
  const { sendNotification } = notificationActivities({ channels: channels(), ledger: createDeliveryLedger() });
  const summary = { key: `daily-summary:2025-12-30:2025-12-29,2025-12-30`, subject: 'summary', text: 'body' };
  const first = await inRun('s', sendNotification, summary);
  const second = await inRun('s', sendNotification, summary);
  expect(first.sent).toEqual(['log', 'slack', 'email']);
  expect(second).toEqual({ key: summary.key, sent: [], alreadySent: ['log', 'slack', 'email'] });
  expect(hook.bodies).toHaveLength(1);
  expect(smtp.mails).toHaveLength(1);
  expect(smtp.mails[0].subject).toBe('summary');
});

test('channels come from the environment (secrets) and the config (recipients); the log always', () => {
  expect(alertChannelsFromEnv(config, {}).map((c) => c.name)).toEqual(['log']);
  // An SMTP URL without a recipient sends nothing by mail.
  expect(alertChannelsFromEnv(config, { GAMEDAY_SMTP_URL: smtp.url }).map((c) => c.name)).toEqual(['log']);
  const env = { GAMEDAY_SLACK_WEBHOOK_URL: hook.url, GAMEDAY_SMTP_URL: smtp.url, GAMEDAY_ALERT_EMAIL_TO: 'a@b.c' };
  expect(alertChannelsFromEnv(loadConfig(env), env).map((c) => c.name)).toEqual(['log', 'slack', 'email']);
});

test('schedule times that daylight-saving days skip or repeat are refused', () => {
  expect(() => loadConfig({}, { schedules: { selfHeal: { enabled: true, times: ['02:30'] } } })).toThrow(
    /schedules.selfHeal.times.0: must avoid 01:00-02:59/,
  );
  expect(() => loadConfig({}, { schedules: { pipelineToday: { times: ['01:15'] } } })).toThrow(/must avoid/);
  expect(() => loadConfig({}, { schedules: { pipelineTomorrow: { times: ['16:45', '16:45'] } } })).toThrow(
    /must not repeat a time/,
  );
});
