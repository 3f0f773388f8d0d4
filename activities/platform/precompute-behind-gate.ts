import { failingChecks } from '../../domain/gates';
import type { DataGateRequest, DataGateResult } from '../warehouse/gates';
import { withHeartbeats, type PrecomputeResult, type PrecomputeRun } from './precompute';

export interface GatedPrecomputeRun {
  gate: DataGateRequest;
  run: PrecomputeRun;
}

/** What the gate said (or why its query failed), and the processor's result when the gate let the call out. */
export interface GatedPrecomputeOutcome {
  gate?: DataGateResult;
  gateQueryFailed?: string;
  result?: PrecomputeResult;
}

interface GateAndCall {
  checkDataGate(request: DataGateRequest): Promise<DataGateResult>;
  runPrecomputeProcessor(request: PrecomputeRun): Promise<PrecomputeResult>;
}

/**
 * Phase 4's data gate and its first `/process-date` in one activity: when the gate passes the call goes out at
 * once, with no workflow task and no activity round trip between the decision and the trigger. A gate that fails,
 * or whose query fails (the BigQuery client has retried it), calls nothing: the workflow records it and checks
 * again on its timer. So a failure this activity throws always comes from the call, after the gate passed.
 */
export function precomputeBehindGateActivities(parts: GateAndCall) {
  return {
    async runPrecomputeProcessorBehindGate(request: GatedPrecomputeRun): Promise<GatedPrecomputeOutcome> {
      let gate: DataGateResult;
      try {
        // The call's heartbeat timeout covers the gate's queries too.
        gate = await withHeartbeats(() => parts.checkDataGate(request.gate));
      } catch (err) {
        return { gateQueryFailed: err instanceof Error ? err.message : String(err) };
      }
      if (gate.enabled && failingChecks(gate.checks).length > 0) return { gate };
      return { gate, result: await parts.runPrecomputeProcessor(request.run) };
    },
  };
}
