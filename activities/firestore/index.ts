/** The activities of the coexistence with the legacy Firestore orchestrator (only called when legacy.mode is not off). */
import type { Firestore } from '@google-cloud/firestore';
import type { GamedayConfig } from '../../config/schema';
import type { ClaimDecision } from '../../domain/legacy';
import { claimLegacyTrigger, type LegacyClaimRequest } from './claim';
import { legacyFirestore } from './legacy-docs';

export function legacyActivities(config: GamedayConfig, firestore?: Firestore) {
  let db = firestore;
  const client = () => (db ??= legacyFirestore(config));
  return {
    async claimLegacyTrigger(request: LegacyClaimRequest): Promise<ClaimDecision> {
      return claimLegacyTrigger(client(), config, request);
    },
  };
}

export type { LegacyClaimRequest } from './claim';
export { mirrorLegacyCompletion, type MirroredCompletion, type MirrorOutcome } from './mirror';
