import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { createTransport, type Transporter } from 'nodemailer';
import type { GamedayConfig } from '../../config/schema';
import type { AlertRecord } from '../../contracts/state';
import { workflowUiUrl } from '../../domain/links';
import { phaseLabel } from '../../domain/phases';
import { hostname } from 'node:os';
import { legacyFirestore } from '../firestore/legacy-docs';
import { firestoreDeliveryLedger } from './firestore-ledger';
import { createDeliveryLedger, type DeliveryLedger } from './ledger';

export interface AlertRequest extends AlertRecord {
  gameDate: string;
  workflowId: string;
  /**
   * What, beside `key`, makes the condition unique for delivery: default the raising workflow run, so a retried
   * activity never sends twice while a `rerun` of the date (same workflow ID, new run) alerts again.
   */
  dedupeScope?: string;
}

/** What a channel sends: one alert, or the daily summary. `key` identifies the condition; it is sent once. */
export interface Notification {
  key: string;
  subject: string;
  text: string;
  alert?: AlertRequest;
}

/** Where alerts go: the log always; Slack and email when configured. */
export interface AlertChannel {
  name: string;
  send(notification: Notification): Promise<void>;
}

export const logChannel: AlertChannel = {
  name: 'log',
  async send(notification) {
    const alert = notification.alert;
    if (alert) {
      log.warn(`ALERT ${alert.kind} ${alert.gameDate}: ${alert.message}`, { key: alert.key, fix: alert.fixCommand });
    } else {
      log.info(`${notification.subject}\n${notification.text}`, { key: notification.key });
    }
  },
};

/** A Slack-compatible incoming webhook: HTTP POST of JSON `{text}`; any non-2xx answer fails the delivery. */
export function webhookChannel(url: string, timeoutMs = 10_000): AlertChannel {
  return {
    name: 'slack',
    async send(notification) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: `*${notification.subject}*\n${notification.text}` }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) {
        const body = await response.text().catch(() => '');
        throw new Error(`webhook answered ${response.status}: ${body.slice(0, 200)}`);
      }
    },
  };
}

/** Email over SMTP (nodemailer); `smtpUrl` such as smtps://user:pass@smtp.example.com:465 (a secret: env only). */
export function emailChannel(options: { smtpUrl: string; to: string; from: string }): AlertChannel {
  let transport: Transporter | undefined;
  return {
    name: 'email',
    async send(notification) {
      transport ??= createTransport(options.smtpUrl);
      await transport.sendMail({
        from: options.from,
        to: options.to,
        subject: notification.subject,
        text: notification.text,
      });
    },
  };
}

/** The channels configured by the environment (secrets) and the config (recipients): the log always. */
export function alertChannelsFromEnv(config: GamedayConfig, env: NodeJS.ProcessEnv = process.env): AlertChannel[] {
  const channels: AlertChannel[] = [logChannel];
  if (env.GAMEDAY_SLACK_WEBHOOK_URL) channels.push(webhookChannel(env.GAMEDAY_SLACK_WEBHOOK_URL));
  if (env.GAMEDAY_SMTP_URL && config.alerts.emailTo) {
    channels.push(
      emailChannel({ smtpUrl: env.GAMEDAY_SMTP_URL, to: config.alerts.emailTo, from: config.alerts.emailFrom }),
    );
  }
  return channels;
}

/** Subject and text of an alert: the date, the phase, what is wrong and the exact command that fixes it. */
export function formatAlert(alert: AlertRequest, config?: Pick<GamedayConfig, 'alerts' | 'temporal'>): Notification {
  const prefix = config?.alerts.subjectPrefix ?? '[gameday]';
  const phase = alert.phase ? phaseLabel(alert.phase) : 'pipeline';
  const cycle = alert.cycle ? ` (${alert.cycle})` : '';
  const lines = [
    `Date: ${alert.gameDate}`,
    `Phase: ${phase}${cycle}`,
    `Problem: ${alert.message}`,
    `Fix: ${alert.fixCommand ?? `gameday status ${alert.gameDate}`}`,
    `Workflow: ${alert.workflowId}`,
  ];
  if (config) {
    lines.push(`UI: ${workflowUiUrl(config.temporal.uiUrl, config.temporal.namespace, alert.workflowId)}`);
  }
  lines.push(`Raised: ${alert.raisedAt}`, `Key: ${alert.key}`);
  return {
    key: alert.key,
    subject: `${prefix} ${alert.kind} ${alert.gameDate} ${phase}`.trim(),
    text: lines.join('\n'),
    alert,
  };
}

export interface DeliveryOutcome {
  key: string;
  sent: string[];
  alreadySent: string[];
}

/**
 * Sends one notification to every channel that has not delivered its key yet. A channel that fails makes the
 * activity fail (and retry); the retry skips the channels that already delivered, so nothing arrives twice.
 */
export async function deliver(
  channels: AlertChannel[],
  ledger: DeliveryLedger,
  notification: Notification,
): Promise<DeliveryOutcome> {
  const outcome: DeliveryOutcome = { key: notification.key, sent: [], alreadySent: [] };
  const failures: string[] = [];
  for (const channel of channels) {
    if (!(await ledger.claim(channel.name, notification.key))) {
      outcome.alreadySent.push(channel.name);
      continue;
    }
    try {
      await channel.send(notification);
    } catch (err) {
      failures.push(`${channel.name}: ${(err as Error).message}`);
      await ledger.release(channel.name, notification.key);
      continue;
    }
    await ledger.record(channel.name, notification.key);
    outcome.sent.push(channel.name);
  }
  if (failures.length) {
    throw ApplicationFailure.retryable(
      `alert ${notification.key} not delivered to ${failures.join('; ')}`,
      'AlertDeliveryFailed',
    );
  }
  return outcome;
}

export interface AlertDeps {
  channels?: AlertChannel[];
  ledger?: DeliveryLedger;
  config?: GamedayConfig;
}

const defaults = new WeakMap<GamedayConfig, Required<AlertDeps>>();

/** One set of channels and one ledger per config in a process, shared by every activity that sends. */
export function defaultAlertDeps(config: GamedayConfig, env: NodeJS.ProcessEnv = process.env): Required<AlertDeps> {
  let deps = defaults.get(config);
  if (!deps) {
    deps = {
      channels: alertChannelsFromEnv(config, env),
      ledger: configuredLedger(config),
      config,
    };
    defaults.set(config, deps);
  }
  return deps;
}

/** The file ledger (one worker), or the Firestore ledger every replica shares (alerts.ledgerStore). */
function configuredLedger(config: GamedayConfig): DeliveryLedger {
  if (config.alerts.ledgerStore === 'file') return createDeliveryLedger(config.alerts.ledgerPath || undefined);
  return firestoreDeliveryLedger({
    firestore: legacyFirestore(config),
    collection: config.alerts.ledgerCollection,
    leaseMs: ALERT_SEND_LEASE_MS,
    owner: `${hostname()}:${process.pid}`,
  });
}

/** Longer than any channel's send (SMTP and webhook time out well within it). */
const ALERT_SEND_LEASE_MS = 2 * 60_000;

function callerRunId(): string | undefined {
  try {
    return Context.current().info.workflowExecution?.runId;
  } catch {
    return undefined; // called outside an activity (scripts, tests)
  }
}

function resolve(deps: AlertChannel[] | AlertDeps) {
  const given = Array.isArray(deps) ? { channels: deps } : deps;
  return {
    channels: given.channels ?? [logChannel],
    ledger: given.ledger ?? createDeliveryLedger(),
    config: given.config,
  };
}

/** `raiseAlert`: one alert to every channel, once per key. Keeps the pipeline's activity name and AlertRequest. */
export function alertActivities(deps: AlertChannel[] | AlertDeps = [logChannel]) {
  const { channels, ledger, config } = resolve(deps);
  return {
    async raiseAlert(alert: AlertRequest): Promise<void> {
      const notification = formatAlert(alert, config);
      const scope = alert.dedupeScope ?? callerRunId();
      await deliver(channels, ledger, { ...notification, key: scope ? `${alert.key}@${scope}` : alert.key });
    },
  };
}

/** `sendNotification`: any message (the daily summary) to every channel, once per key. */
export function notificationActivities(deps: AlertChannel[] | AlertDeps = [logChannel]) {
  const { channels, ledger } = resolve(deps);
  return {
    async sendNotification(notification: Notification): Promise<DeliveryOutcome> {
      return deliver(channels, ledger, notification);
    },
  };
}
