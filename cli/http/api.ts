/**
 * The Temporal frontend's HTTP API (grpc-gateway: `/api/v1/...`, the routes of temporal/api's
 * workflowservice/v1/service.proto) with plain HTTP requests (cli/http/request.ts), for the commands that read one workflow. It never loads
 * @temporalio/client. An API key goes in `Authorization: Bearer` (from the environment or --api-key, never printed).
 */
import { CliError } from '../errors';
import { EXIT } from '../exit-codes';
import { httpRequest, type HttpRequest, type HttpResponse } from './request';

/** The routes used, relative to the namespace; workflow IDs and query names are URL-encoded. */
export const HTTP_ROUTES = {
  describe: (workflowId: string) => `/workflows/${encodeURIComponent(workflowId)}`,
  query: (workflowId: string, queryType: string) =>
    `/workflows/${encodeURIComponent(workflowId)}/query/${encodeURIComponent(queryType)}`,
  history: (workflowId: string) => `/workflows/${encodeURIComponent(workflowId)}/history`,
} as const;

/** gRPC status codes the HTTP API returns in its error body (`{ code, message }`). */
export const GRPC_NOT_FOUND = 5;
export const GRPC_INVALID_ARGUMENT = 3;

export interface HttpTarget {
  /** host:port, as configured (named in errors). */
  address: string;
  namespace: string;
  tls: boolean;
  apiKey?: string;
  /** Extra headers (TEMPORAL_GRPC_META_* of the profile). */
  headers?: Record<string, string>;
  /** A client certificate and key, a CA, a server name: the profile's or the --tls-* files. */
  tlsFiles?: HttpRequest['tls'];
}

/** The HTTP API could not be reached (refused, reset, no answer in time, TLS): exit 2 naming the address. */
export class HttpUnreachableError extends CliError {
  override name = 'HttpUnreachableError';
  constructor(message: string, address: string) {
    super(message, EXIT.FAILING, { address });
  }
}

/** A non-2xx answer of the HTTP API: the gRPC status code and message of its body. */
export class HttpApiError extends Error {
  override name = 'HttpApiError';
  constructor(
    message: string,
    readonly httpStatus: number,
    readonly code?: number,
    /** The namespace itself is unknown (NOT_FOUND with a NamespaceNotFoundFailure), not the workflow. */
    readonly namespaceNotFound = false,
  ) {
    super(message);
  }
}

export class TemporalHttpApi {
  private readonly base: string;
  private readonly headers: Record<string, string>;

  constructor(readonly target: HttpTarget) {
    const scheme = target.tls ? 'https' : 'http';
    this.base = `${scheme}://${target.address}/api/v1/namespaces/${encodeURIComponent(target.namespace)}`;
    this.headers = {
      'content-type': 'application/json',
      ...target.headers,
      ...(target.apiKey ? { authorization: `Bearer ${target.apiKey}`, 'temporal-namespace': target.namespace } : {}),
    };
  }

  /** GET or POST a route; payloads in full form (`noPayloadShorthand`), so JSON values arrive exactly. */
  async call<T>(
    route: string,
    options: { body?: unknown; params?: Record<string, string>; timeoutMs: number },
  ): Promise<T> {
    const params = new URLSearchParams({ ...options.params, noPayloadShorthand: 'true' });
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    let response: HttpResponse;
    try {
      response = await httpRequest(`${this.base}${route}?${params}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: this.headers,
        body,
        timeoutMs: options.timeoutMs,
        tls: this.target.tlsFiles,
      });
    } catch (err) {
      throw this.unreachable(err);
    }
    const ok = response.status >= 200 && response.status < 300;
    if (ok) return JSON.parse(response.text) as T;
    let error: { code?: number; message?: string; details?: { '@type'?: string }[] } = {};
    try {
      error = JSON.parse(response.text) as typeof error;
    } catch {
      // Not the API's JSON error (a proxy's page, say): the status line says what happened.
    }
    const namespaceNotFound = (error.details ?? []).some((d) => d['@type']?.endsWith('.NamespaceNotFoundFailure'));
    if (namespaceNotFound) {
      // The words of the gRPC client's NamespaceNotFoundError: the same answer over HTTP as over gRPC.
      throw new HttpApiError(`Namespace not found: '${this.target.namespace}'`, response.status, error.code, true);
    }
    throw new HttpApiError(
      error.message ?? `HTTP ${response.status} ${response.statusText}`.trim(),
      response.status,
      error.code,
    );
  }

  /** Refused, reset, timed out or a TLS failure: exit 2 naming the address tried, as over gRPC. */
  private unreachable(err: unknown) {
    const error = err as Error & { code?: string };
    const reason = error.name === 'TimeoutError' ? error.message : (error.code ?? error.message);
    return new HttpUnreachableError(
      `cannot reach the Temporal HTTP API at ${this.target.address}: ${reason}`,
      this.target.address,
    );
  }
}
