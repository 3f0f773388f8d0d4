import type { BridgeStatsView } from '../../bridge/stats';
import { httpRequest } from './request';

const BRIDGE_STATS_TIMEOUT_MS = 800;

/** The bridge's GET /stats: what it did with the pushes it received; undefined when it cannot be read. */
export async function readBridgeStats(config: {
  bridge: { host: string; port: number };
}): Promise<BridgeStatsView | undefined> {
  try {
    const res = await httpRequest(`http://${config.bridge.host}:${config.bridge.port}/stats`, {
      timeoutMs: BRIDGE_STATS_TIMEOUT_MS,
    });
    return res.status === 200 ? (JSON.parse(res.text) as BridgeStatsView) : undefined;
  } catch {
    return undefined;
  }
}
