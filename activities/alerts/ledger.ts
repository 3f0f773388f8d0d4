import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Which (channel, key) pairs were delivered, so a retried activity, a second self-heal or another worker replica
 * never sends an alert twice. A sender claims a pair before sending, records it after, and releases it when the
 * send failed (the next attempt, here or on another replica, claims it again). A crash between a send and its
 * record can still repeat that one send (at-least-once).
 */
export interface DeliveryLedger {
  /** true: this caller sends it now; false: it was delivered, or another sender is delivering it. */
  claim(channel: string, key: string): Promise<boolean>;
  record(channel: string, key: string): Promise<void>;
  release(channel: string, key: string): Promise<void>;
}

export interface FileDeliveryLedger extends DeliveryLedger {
  has(channel: string, key: string): boolean;
}

/**
 * In memory, and appended to a JSON-lines file when a path is given (a worker restart remembers). One worker only:
 * replicas share the Firestore ledger (./firestore-ledger).
 */
export function createDeliveryLedger(path?: string): FileDeliveryLedger {
  const seen = new Set<string>();
  const sending = new Set<string>();
  const id = (channel: string, key: string): string => `${channel}\u0000${key}`;
  if (path && existsSync(path)) {
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        const entry = JSON.parse(line) as { channel?: string; key?: string };
        if (entry.channel && entry.key) seen.add(id(entry.channel, entry.key));
      } catch {
        // A torn last line after a crash: that delivery is simply not remembered.
      }
    }
  }
  return {
    has: (channel, key) => seen.has(id(channel, key)),
    async claim(channel, key) {
      const pair = id(channel, key);
      if (seen.has(pair) || sending.has(pair)) return false;
      sending.add(pair);
      return true;
    },
    async record(channel, key) {
      const pair = id(channel, key);
      sending.delete(pair);
      seen.add(pair);
      if (!path) return;
      mkdirSync(dirname(path), { recursive: true });
      appendFileSync(path, `${JSON.stringify({ channel, key, at: new Date().toISOString() })}\n`);
    },
    async release(channel, key) {
      sending.delete(id(channel, key));
    },
  };
}
