import { request as httpRequest, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { CompletionMessage } from '../domain/completion-message';
import type { EventLog, PublishEvent } from './events';
import { PlatformClosedError, type Timers } from './timers';

export interface PublishRetry {
  /** First backoff (default 100 ms), doubled per attempt up to maxMs (default 2000 ms). */
  initialMs: number;
  maxMs: number;
  /** Attempts before giving up (default 30, about a minute). */
  maxAttempts: number;
  /** Per attempt, like a push subscription's ack deadline (default 10 s). */
  attemptTimeoutMs: number;
}

export const DEFAULT_PUBLISH_RETRY: PublishRetry = {
  initialMs: 100,
  maxMs: 2000,
  maxAttempts: 30,
  attemptTimeoutMs: 10_000,
};

export interface PublisherOptions {
  url: string;
  projectId: string;
  events: EventLog;
  timers: Timers;
  now: () => Date;
  log: (line: string) => void;
  delivery: () => { duplicateDelivery?: boolean; delayMs?: number };
  retry?: Partial<PublishRetry>;
}

/** The body a Pub/Sub push subscription POSTs to its endpoint. */
export interface PushEnvelope {
  message: { data: string; messageId: string; publishTime: string; attributes: Record<string, string> };
  subscription: string;
}

/** The push subscription Gameday's bridge would own for a topic. */
export function subscriptionFor(projectId: string, topic: string): string {
  return `projects/${projectId}/subscriptions/${topic}-gameday`;
}

export function pushEnvelope(data: unknown, messageId: string, publishTime: Date, subscription: string): PushEnvelope {
  return {
    message: {
      data: Buffer.from(JSON.stringify(data), 'utf8').toString('base64'),
      messageId,
      publishTime: publishTime.toISOString(),
      attributes: {},
    },
    subscription,
  };
}

/**
 * Publishes completion messages the way a Pub/Sub push subscription delivers them: one HTTP POST of
 * the push envelope to the bridge, retried with backoff on 5xx and connection errors, never on 4xx
 * (logged and dropped, as a dead-letter would).
 */
export class Publisher {
  private readonly retry: PublishRetry;
  private readonly inFlight = new Set<ClientRequest>();
  private pending = 0;
  private idleWaiters: Array<() => void> = [];
  private nextId = BigInt(Date.now()) * 1000n;

  constructor(private readonly options: PublisherOptions) {
    this.retry = { ...DEFAULT_PUBLISH_RETRY, ...options.retry };
  }

  get url(): string {
    return this.options.url;
  }

  /** Queues the message for delivery; returns its publish event(s), whose `delivery` field updates as it goes. */
  publish(topic: string, message: CompletionMessage): PublishEvent[] {
    const messageId = String(this.nextId++);
    const subscription = subscriptionFor(this.options.projectId, topic);
    const envelope = pushEnvelope(message, messageId, this.options.now(), subscription);
    const { duplicateDelivery, delayMs = 0 } = this.options.delivery();
    const copies = duplicateDelivery ? 2 : 1;
    const events: PublishEvent[] = [];
    for (let copy = 1; copy <= copies; copy++) {
      const event = this.options.events.add<PublishEvent>({
        type: 'publish',
        topic,
        subscription,
        messageId,
        copy,
        message,
        delivery: 'pending',
        attempts: 0,
      });
      events.push(event);
      this.pending++;
      void this.deliver(event, envelope, delayMs * copy).finally(() => {
        this.pending--;
        if (this.pending === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
      });
    }
    return events;
  }

  /** Resolves when no delivery is pending. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    for (const req of this.inFlight) req.destroy(new PlatformClosedError());
    this.inFlight.clear();
  }

  private async deliver(event: PublishEvent, envelope: PushEnvelope, delayMs: number): Promise<void> {
    const { log } = this.options;
    const what = `${event.message.processor_name} ${event.message.status} ${event.message.game_date} -> ${event.topic} (message ${event.messageId}${event.copy > 1 ? `, copy ${event.copy}` : ''})`;
    const body = JSON.stringify(envelope);
    try {
      if (delayMs > 0) await this.options.timers.sleep(delayMs);
      for (let attempt = 1; ; attempt++) {
        event.attempts = attempt;
        let status: number | undefined;
        let text = '';
        try {
          ({ status, text } = await this.post(body));
        } catch (err) {
          if (err instanceof PlatformClosedError || this.options.timers.isClosed) throw new PlatformClosedError();
          event.lastError = (err as Error).message;
        }
        event.lastStatus = status;
        if (status !== undefined && status >= 200 && status < 300) {
          event.delivery = 'delivered';
          event.deliveredAt = this.options.now().toISOString();
          delete event.lastError;
          log(`published ${what}: ${status}${attempt > 1 ? ` after ${attempt} attempts` : ''}`);
          return;
        }
        if (status !== undefined) event.lastError = `HTTP ${status}${text ? `: ${text.slice(0, 300)}` : ''}`;
        if (status !== undefined && status >= 400 && status < 500) {
          event.delivery = 'dropped';
          log(`DROPPED ${what}: ${event.lastError} (4xx is not retried)`);
          return;
        }
        if (attempt >= this.retry.maxAttempts) {
          event.delivery = 'abandoned';
          log(`ABANDONED ${what} after ${attempt} attempts: ${event.lastError}`);
          return;
        }
        const backoff = Math.min(this.retry.maxMs, this.retry.initialMs * 2 ** (attempt - 1));
        // Log the first failure and then every fifth, so a bridge that is down does not flood the output.
        if (attempt === 1 || attempt % 5 === 0)
          log(`push of ${what} failed (${event.lastError}); retry ${attempt + 1} in ${backoff} ms`);
        await this.options.timers.sleep(backoff);
      }
    } catch (err) {
      event.delivery = 'abandoned';
      event.lastError =
        err instanceof PlatformClosedError ? 'local platform closed before delivery' : (err as Error).message;
    }
  }

  private post(body: string): Promise<{ status: number; text: string }> {
    const target = new URL(this.options.url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        target,
        {
          method: 'POST',
          agent: false,
          timeout: this.retry.attemptTimeoutMs,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'user-agent': 'Gameday-LocalPlatform-PubSubPush',
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            this.inFlight.delete(req);
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', (err) => {
            this.inFlight.delete(req);
            reject(err);
          });
        },
      );
      this.inFlight.add(req);
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.retry.attemptTimeoutMs} ms`)));
      req.on('error', (err) => {
        this.inFlight.delete(req);
        reject(err);
      });
      req.end(body);
    });
  }
}
