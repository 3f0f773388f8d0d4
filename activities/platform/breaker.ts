/**
 * A circuit breaker per platform service (cockatiel), shared by every activity of a worker: after consecutive
 * retryable failures the service's calls fail fast with a retryable failure whose next retry waits for the
 * half-open time, so an outage costs a few calls, not a storm. Rejections (4xx) and cancellations do not count.
 */
import { ApplicationFailure } from '@temporalio/common';
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import type { GamedayConfig } from '../../config/schema';

export const PLATFORM_SERVICES = ['schedule', 'analytics', 'precompute', 'coordinator', 'export', 'grading'] as const;
export type PlatformService = (typeof PLATFORM_SERVICES)[number];

export type BreakerStateName = 'closed' | 'open' | 'half_open';

export interface BreakerEvent {
  service: PlatformService;
  state: BreakerStateName;
  /** What opened it (the last failure), when it opened. */
  reason?: string;
  /** When an open circuit lets its next test call through. */
  retryAt?: string;
}

export interface BreakerOptions {
  failureThreshold: number;
  halfOpenAfterMs: number;
  /** A fast-failed call is retried no sooner than this (never a tight loop of fast failures). */
  minRetryMs: number;
  onStateChange?: (event: BreakerEvent) => void;
}

export function breakerOptions(config: GamedayConfig): BreakerOptions {
  const { failureThreshold, halfOpenAfterSeconds, minRetrySeconds } = config.platform.breaker;
  return { failureThreshold, halfOpenAfterMs: halfOpenAfterSeconds * 1000, minRetryMs: minRetrySeconds * 1000 };
}

/** The failures that say a service is unwell: retryable ones (unreachable, 5xx, 429), not rejections. */
function countsAsServiceFailure(err: Error): boolean {
  return err instanceof ApplicationFailure && !err.nonRetryable && err.type !== 'PlatformCircuitOpen';
}

const STATE_NAMES: Record<CircuitState, BreakerStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'open',
};

export interface ServiceBreakers {
  run<T>(service: PlatformService, call: () => Promise<T>): Promise<T>;
  state(service: PlatformService): BreakerStateName;
}

export function createServiceBreakers(options: BreakerOptions): ServiceBreakers {
  const breakers = new Map<PlatformService, { policy: CircuitBreakerPolicy; openedAt: number }>();

  const breakerFor = (service: PlatformService) => {
    let entry = breakers.get(service);
    if (entry) return entry;
    const policy = circuitBreaker(handleWhen(countsAsServiceFailure), {
      halfOpenAfter: options.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.failureThreshold),
    });
    const created = { policy, openedAt: 0 };
    policy.onBreak((reason) => {
      created.openedAt = Date.now();
      options.onStateChange?.({
        service,
        state: 'open',
        reason: 'error' in reason ? reason.error.message : 'isolated',
        retryAt: new Date(created.openedAt + options.halfOpenAfterMs).toISOString(),
      });
    });
    policy.onHalfOpen(() => options.onStateChange?.({ service, state: 'half_open' }));
    policy.onReset(() => options.onStateChange?.({ service, state: 'closed' }));
    breakers.set(service, created);
    entry = created;
    return entry;
  };

  return {
    async run(service, call) {
      const entry = breakerFor(service);
      try {
        return await entry.policy.execute(call);
      } catch (err) {
        if (!(err instanceof BrokenCircuitError)) throw err;
        const waitMs = Math.max(options.minRetryMs, entry.openedAt + options.halfOpenAfterMs - Date.now());
        throw ApplicationFailure.create({
          type: 'PlatformCircuitOpen',
          message: `the ${service} service failed ${options.failureThreshold} times in a row: calls paused, next try in ${Math.ceil(waitMs / 1000)} s`,
          nextRetryDelay: waitMs,
        });
      }
    },
    state: (service) => STATE_NAMES[breakerFor(service).policy.state],
  };
}
