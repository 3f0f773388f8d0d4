import { request as httpRequest, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { EventLog, PublishEvent } from './events';
import { plain, pythonJsonDumps } from './python-json';
import { PlatformClosedError, type Timers } from './timers';

export interface PublishRetry {
  /** First backoff (default 100 ms), doubled per attempt up to maxMs (default 2000 ms). */
  initialMs: number;
  maxMs: number;
  /** Attempts before the message goes to the dead-letter topic (default 30). */
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
  delivery: () => { duplicateDelivery?: boolean | number; delayMs?: number; outOfOrder?: boolean };
  retry?: Partial<PublishRetry>;
}

/** The body a Pub/Sub push subscription POSTs to its endpoint. */
export interface PushEnvelope {
  message: {
    data: string;
    messageId: string;
    message_id: string;
    publishTime: string;
    publish_time: string;
    attributes: Record<string, string>;
  };
  subscription: string;
  deliveryAttempt?: number;
}

/** The push subscription Gameday's bridge owns for a topic. */
export function subscriptionFor(projectId: string, topic: string): string {
  return `projects/${projectId}/subscriptions/${topic}-gameday`;
}

export function pushEnvelope(
  data: string,
  messageId: string,
  publishTime: Date,
  subscription: string,
  attempt?: number,
): PushEnvelope {
  const time = publishTime.toISOString();
  return {
    message: {
      data: Buffer.from(data, 'utf8').toString('base64'),
      messageId,
      message_id: messageId,
      publishTime: time,
      publish_time: time,
      attributes: {},
    },
    subscription,
    ...(attempt !== undefined ? { deliveryAttempt: attempt } : {}),
  };
}

/**
 * Publishes messages the way a Pub/Sub push subscription delivers them: each message serialised as the platform's
 * Python publisher does, one HTTP POST of the push envelope to the bridge, and redelivery with backoff for ANY answer
 * but 102/200/201/202/204 (4xx included), until the dead-letter limit.
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
  publish(topic: string, message: Record<string, unknown>, options: { messageId?: string } = {}): PublishEvent[] {
    const messageId = options.messageId ?? String(this.nextId++);
    const subscription = subscriptionFor(this.options.projectId, topic);
    const data = pythonJsonDumps(message);
    const publishTime = this.options.now();
    const { duplicateDelivery, delayMs = 0, outOfOrder } = this.options.delivery();
    const copies = duplicateDelivery === true ? 2 : typeof duplicateDelivery === 'number' ? duplicateDelivery : 1;
    const events: PublishEvent[] = [];
    for (let copy = 1; copy <= copies; copy++) {
      const event = this.options.events.add<PublishEvent>({
        type: 'publish',
        topic,
        subscription,
        messageId,
        copy,
        message: plain(message) as Record<string, unknown>,
        data,
        delivery: 'pending',
        attempts: 0,
      });
      events.push(event);
      this.pending++;
      // Out of order: the first copy waits a little, so a later message (or copy) can overtake it.
      const wait = delayMs * copy + (outOfOrder && copy === 1 ? 200 : 0);
      void this.deliver(event, data, publishTime, wait).finally(() => {
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

  private async deliver(event: PublishEvent, data: string, publishTime: Date, delayMs: number): Promise<void> {
    const { log } = this.options;
    const name = String(
      event.message.processor_name ?? event.message.scraper_name ?? event.message.event_type ?? 'message',
    );
    const what = `${name} ${String(event.message.status ?? '')} ${String(event.message.game_date ?? event.message.target_date ?? '')} -> ${event.topic} (message ${event.messageId}${event.copy > 1 ? `, copy ${event.copy}` : ''})`;
    try {
      if (delayMs > 0) await this.options.timers.sleep(delayMs);
      for (let attempt = 1; ; attempt++) {
        event.attempts = attempt;
        let status: number | undefined;
        let text = '';
        const body = JSON.stringify(pushEnvelope(data, event.messageId, publishTime, event.subscription, attempt));
        try {
          ({ status, text } = await this.post(body));
        } catch (err) {
          if (err instanceof PlatformClosedError || this.options.timers.isClosed) throw new PlatformClosedError();
          event.lastError = (err as Error).message;
        }
        event.lastStatus = status;
        if (status !== undefined && [102, 200, 201, 202, 204].includes(status)) {
          event.delivery = 'delivered';
          event.deliveredAt = new Date().toISOString();
          event.answer = text.slice(0, 500);
          delete event.lastError;
          return;
        }
        if (status !== undefined) event.lastError = `HTTP ${status}${text ? `: ${text.slice(0, 300)}` : ''}`;
        if (attempt >= this.retry.maxAttempts) {
          event.delivery = 'dead-lettered';
          log(`DEAD-LETTERED ${what} after ${attempt} attempts: ${event.lastError}`);
          return;
        }
        const backoff = Math.min(this.retry.maxMs, this.retry.initialMs * 2 ** (attempt - 1));
        if (attempt === 1 || attempt % 5 === 0)
          log(`push of ${what} failed (${event.lastError}); redelivery ${attempt + 1} in ${backoff} ms`);
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
            'user-agent': 'APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)',
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
