/**
 * The bridge's `GET /readyz`: ready when Temporal answers for the bridge's namespace within the push's own deadline,
 * so a load balancer sends pushes only to a bridge that can signal (Pub/Sub would otherwise see 503s and back off).
 * Asking about the namespace, not the server, also catches a namespace that is missing or that the bridge's
 * credentials may not use.
 */
import type { Client } from '@temporalio/client';

export interface ReadyAnswer {
  status: 200 | 503;
  body: { ready: boolean; detail: string };
}

export async function bridgeReadiness(client: Client, timeoutMs: number): Promise<ReadyAnswer> {
  try {
    await client.withDeadline(Date.now() + timeoutMs, () =>
      client.workflowService.describeNamespace({ namespace: client.options.namespace }),
    );
    return { status: 200, body: { ready: true, detail: `Temporal answers for namespace ${client.options.namespace}` } };
  } catch (err) {
    const detail = `Temporal does not answer for namespace ${client.options.namespace}: ${(err as Error).message}`;
    return { status: 503, body: { ready: false, detail } };
  }
}
