/**
 * In `primary` mode (legacy functions off) the bridge writes each counted phase-3/4 completion it delivered into the
 * legacy document, so the tools that read phase3_completion / phase4_completion keep working. Best effort: the
 * documents are for people and tools, never for Gameday's rules; a failed write is logged and counted.
 */
import type { Firestore } from '@google-cloud/firestore';
import { mirrorLegacyCompletion, type MirrorOutcome } from '../activities/firestore';
import { legacyFirestore } from '../activities/firestore/legacy-docs';
import type { GamedayConfig } from '../config/schema';
import type { Interpretation } from '../domain/messages';

export type LegacyMirror = (interpretation: Interpretation, message: unknown) => Promise<MirrorOutcome | 'failed'>;

export function legacyMirror(
  config: GamedayConfig,
  firestore: Firestore | undefined,
  log: (line: string) => void,
): LegacyMirror | undefined {
  if (config.legacy.mode !== 'primary') return undefined;
  let db = firestore;
  return async (interpretation, message) => {
    if (interpretation.kind !== 'completion' || (interpretation.phase !== 3 && interpretation.phase !== 4)) {
      return 'not-counted';
    }
    const metadata = (message as { metadata?: unknown }).metadata;
    try {
      return await mirrorLegacyCompletion((db ??= legacyFirestore(config)), config, {
        gameDate: interpretation.gameDate,
        phase: interpretation.phase,
        processor: interpretation.processor,
        status: interpretation.status,
        recordCount: interpretation.recordCount,
        executionId: interpretation.executionId,
        correlationId: interpretation.correlationId,
        metadata: typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>) : undefined,
      });
    } catch (err) {
      log(
        `legacy mirror of ${interpretation.processor} for ${interpretation.gameDate} failed: ${(err as Error).message}`,
      );
      return 'failed';
    }
  };
}
