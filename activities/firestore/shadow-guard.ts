/**
 * Shadow mode's guarantee at the I/O boundary: with `legacy.mode` shadow every platform trigger fails at once,
 * non-retryable, saying what it would have done, so Gameday can run beside the legacy orchestrator and its
 * schedulers without ever triggering anything. (Phase 4 and the prediction waves never get here: their claim
 * records the decision and skips the step.)
 */
import { ApplicationFailure } from '@temporalio/common';
import type { GamedayConfig } from '../../config/schema';

/** The activities that make the platform do something. */
export const TRIGGER_ACTIVITIES = [
  'triggerAnalytics',
  'runPrecomputeProcessor',
  'runPrecomputeProcessorBehindGate',
  'startPredictionBatch',
  'publishExportTrigger',
  'publishGradingTrigger',
] as const;

export const SHADOW_FAILURE = 'ShadowMode';

export function withShadowGuard<T extends Record<string, unknown>>(config: GamedayConfig, activities: T): T {
  if (config.legacy.mode !== 'shadow') return activities;
  const guarded: Record<string, unknown> = { ...activities };
  for (const name of TRIGGER_ACTIVITIES) {
    if (typeof activities[name] !== 'function') continue;
    guarded[name] = (request: unknown) =>
      Promise.reject(
        ApplicationFailure.nonRetryable(
          `shadow mode: Gameday triggers nothing (would have called ${name} with ${JSON.stringify(request).slice(0, 300)})`,
          SHADOW_FAILURE,
        ),
      );
  }
  return guarded as T;
}
