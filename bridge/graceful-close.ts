/**
 * Closing the bridge without cutting a push in flight: its signal may already have reached Temporal, and a reset
 * socket is a failed delivery to Pub/Sub (redelivered, and it halves the subscription's push concurrency). New
 * connections are refused at once; idle ones close; a request in flight gets up to `graceMs` to answer.
 */
import type { Server } from 'node:http';

export function gracefulCloser(server: Server): (graceMs: number) => Promise<void> {
  let inFlight = 0;
  let drained: (() => void) | undefined;
  server.on('request', (_req, res) => {
    inFlight += 1;
    res.once('close', () => {
      inFlight -= 1;
      if (inFlight === 0) drained?.();
    });
  });
  return (graceMs) =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      const cut = () => {
        clearTimeout(timer);
        server.closeAllConnections();
      };
      const timer = setTimeout(cut, graceMs);
      if (inFlight === 0) cut();
      else drained = cut;
    });
}
