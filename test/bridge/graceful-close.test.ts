/**
 * Closing the bridge (SIGTERM in a deploy) lets a push in flight answer instead of resetting its socket: Pub/Sub
 * would count a reset as a failed delivery and redeliver a message whose signal had already gone through. New
 * connections are refused at once.
 */
import type { Client } from '@temporalio/client';
import { startBridge } from '../../bridge/server';
import { loadConfig } from '../../config/load';
import { dateInZone } from '../../domain/dates';
import { completion } from '../helpers/messages';

const config = loadConfig({}, { bridge: { port: 0 } });

/** A client whose signal takes `signalMs` to reach Temporal; it records each signal that did. */
function slowClient(signalMs: number, signalled: string[]): Client {
  return {
    withDeadline: <T>(_deadline: number, fn: () => Promise<T>) => fn(),
    workflow: {
      signalWithStart: async (_type: string, options: { workflowId: string }) => {
        await new Promise((resolve) => setTimeout(resolve, signalMs));
        signalled.push(options.workflowId);
        return { workflowId: options.workflowId, signaledRunId: 'run-1' };
      },
    },
  } as unknown as Client;
}

function push(url: string, messageId: string): Promise<Response> {
  const today = dateInZone(Date.now(), config.timeZone);
  const message = completion(config, 3, 'player_game_summary', today, Date.now());
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      message: { data: Buffer.from(JSON.stringify(message)).toString('base64'), messageId },
      subscription: `projects/${config.platform.projectId}/subscriptions/${config.topics[3]}-gameday`,
    }),
  });
}

test('a push in flight when the bridge closes gets its 2xx; a push after the close is refused', async () => {
  const signalled: string[] = [];
  const bridge = await startBridge({ client: slowClient(1000, signalled), config });
  const inFlight = push(bridge.pushUrl, 'in-flight');
  await new Promise((resolve) => setTimeout(resolve, 200));
  const closed = bridge.close();
  const answer = await inFlight;
  expect([answer.status, ((await answer.json()) as { outcome?: string }).outcome]).toEqual([200, 'delivered']);
  expect(signalled).toHaveLength(1);
  await closed;
  await expect(push(bridge.pushUrl, 'after-close')).rejects.toThrow();
  expect(signalled).toHaveLength(1);
});

test('closing an idle bridge does not wait for the grace period', async () => {
  const bridge = await startBridge({ client: slowClient(0, []), config });
  expect((await push(bridge.pushUrl, 'idle-1')).status).toBe(200);
  const started = Date.now();
  await bridge.close();
  expect(Date.now() - started).toBeLessThan((config.bridge.temporalTimeoutSeconds + 1) * 1000);
});
