import type { ProcessorSpec } from '../../domain/processors';
import type { PlatformContext } from '../context';
import { HttpError } from '../http';
import { processorScenario } from '../scenario';

/**
 * The infrastructure faults of a trigger call naming these processors: 403 first (a stripped invoker
 * permission answers before the service runs), then 500. Each call counts once per processor named.
 */
export function injectServiceFaults(ctx: PlatformContext, service: string, specs: readonly ProcessorSpec[]): void {
  const scenario = ctx.scenario();
  const forbidden = specs.filter((s) =>
    ctx.faults.hit(`403:${s.name}`, processorScenario(scenario, s.name).http403Times),
  );
  if (forbidden.length) {
    throw new HttpError(
      403,
      {
        status: 'error',
        error: 'forbidden',
        message: `Your client does not have permission to get URL from this server (${service}; scenario http403Times for ${forbidden.map((s) => s.name).join(', ')})`,
      },
      'http403',
    );
  }
  const failing = specs.filter((s) =>
    ctx.faults.hit(`500:${s.name}`, processorScenario(scenario, s.name).http500Times),
  );
  if (failing.length) {
    throw new HttpError(
      500,
      {
        status: 'error',
        error: 'internal',
        message: `${service}: Internal Server Error (scenario http500Times for ${failing.map((s) => s.name).join(', ')})`,
      },
      'http500',
    );
  }
}
