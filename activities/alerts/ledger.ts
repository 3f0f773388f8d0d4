import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Which (channel, key) pairs were already delivered. In memory, and appended to a JSON-lines file when a path is
 * given, so a worker restart or a retried activity does not send an alert twice. A crash between a send and its
 * record can still repeat that one send (at-least-once).
 */
export interface DeliveryLedger {
  has(channel: string, key: string): boolean;
  record(channel: string, key: string): void;
}

export function createDeliveryLedger(path?: string): DeliveryLedger {
  const seen = new Set<string>();
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
    record(channel, key) {
      seen.add(id(channel, key));
      if (!path) return;
      mkdirSync(dirname(path), { recursive: true });
      appendFileSync(path, `${JSON.stringify({ channel, key, at: new Date().toISOString() })}\n`);
    },
  };
}
