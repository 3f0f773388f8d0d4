/** The platform breakers' state as a gauge per service (0 closed, 1 half open, 2 open), fed by their state changes. */
import type { MetricMeter } from '@temporalio/common';
import { BREAKER_STATE_VALUE, GAMEDAY_METRICS } from '../../contracts/metrics';
import { PLATFORM_SERVICES, type BreakerEvent } from '../../activities/platform/breaker';

export function breakerStateGauge(meter: MetricMeter): (event: BreakerEvent) => void {
  const gauge = meter.createGauge(
    GAMEDAY_METRICS.breakerState,
    'int',
    undefined,
    'platform service circuit breaker: 0 closed, 1 half open, 2 open',
  );
  // Every service starts closed, so a dashboard sees each one before its first failure.
  for (const service of PLATFORM_SERVICES) gauge.set(BREAKER_STATE_VALUE.closed, { service });
  return (event) => gauge.set(BREAKER_STATE_VALUE[event.state], { service: event.service });
}
