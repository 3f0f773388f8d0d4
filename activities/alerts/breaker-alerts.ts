/**
 * What a platform service's circuit breaker says when it changes state: a log line each time, and one alert when
 * it opens (keyed by service and minute, so replicas whose breakers open together send it once through a shared
 * ledger). Delivery runs beside the failing call, never in its way.
 */
import type { GamedayConfig } from '../../config/schema';
import type { BreakerEvent } from '../platform/breaker';
import { deliver, type AlertChannel } from './alerts';
import type { DeliveryLedger } from './ledger';

export interface BreakerAlertDeps {
  config: GamedayConfig;
  channels: AlertChannel[];
  ledger: DeliveryLedger;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export function breakerAlerts(deps: BreakerAlertDeps): (event: BreakerEvent) => void {
  return (event) => {
    const line = `platform service ${event.service}: circuit ${event.state}${event.reason ? ` (${event.reason})` : ''}`;
    deps.log(event.state === 'open' ? 'warn' : 'info', line);
    if (event.state !== 'open') return;
    const minute = (event.retryAt ?? new Date().toISOString()).slice(0, 16);
    const key = `circuit-open:${event.service}:${minute}`;
    const text = [
      `Service: ${event.service}`,
      `Problem: ${deps.config.platform.breaker.failureThreshold} failures in a row (last: ${event.reason ?? 'unknown'}); its calls fail fast and retry from ${event.retryAt}`,
      'Fix: gameday health (the service and its permissions), then the service itself; the pipeline resumes on its own',
      `Key: ${key}`,
    ].join('\n');
    deliver(deps.channels, deps.ledger, {
      key,
      subject: `${deps.config.alerts.subjectPrefix} CIRCUIT_OPEN ${event.service}`.trim(),
      text,
    }).catch((err: Error) =>
      deps.log('error', `circuit-open alert for ${event.service} not delivered: ${err.message}`),
    );
  };
}
