/** A date's latest run for `gameday status`: over the HTTP API when one is configured, else over gRPC. */
import type { CliContext } from '../context';
import { loadDateRun, QUERY_TIMEOUT_MS, type DateRun } from '../pipeline';
import { HttpUnreachableError, TemporalHttpApi } from './api';
import { loadDateRunOverHttp } from './date-run';

export async function readDateRun(ctx: CliContext, gameDate: string): Promise<DateRun | undefined> {
  const http = ctx.httpApi();
  if (http) {
    try {
      return await loadDateRunOverHttp(new TemporalHttpApi(http.target), ctx.config, gameDate, {
        requestMs: ctx.connectTimeoutMs(),
        queryMs: QUERY_TIMEOUT_MS,
      });
    } catch (err) {
      // The local stack's default HTTP port refusing (a dev server started without it): gRPC answers instead.
      if (!(http.fallback && err instanceof HttpUnreachableError)) throw err;
    }
  }
  return loadDateRun(await ctx.client(), ctx.config, gameDate);
}
