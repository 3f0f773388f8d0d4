/**
 * The bridge's `GET /readyz`: ready when Temporal answers within the push's own deadline, so a load balancer sends
 * pushes only to a bridge that can signal (Pub/Sub would otherwise see 503s and back off).
 */
import type { Client } from '@temporalio/client';

export interface ReadyAnswer {
  status: 200 | 503;
  body: { ready: boolean; detail: string };
}

export async function bridgeReadiness(client: Client, timeoutMs: number): Promise<ReadyAnswer> {
  try {
    await client.withDeadline(Date.now() + timeoutMs, () => client.workflowService.getSystemInfo({}));
    return { status: 200, body: { ready: true, detail: 'Temporal answers' } };
  } catch (err) {
    return { status: 503, body: { ready: false, detail: `Temporal does not answer: ${(err as Error).message}` } };
  }
}
