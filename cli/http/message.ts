/** What the CLI's HTTP requests carry and answer, over `node:net` (plain HTTP) or `node:https`. */
export interface HttpResponse {
  status: number;
  statusText: string;
  text: string;
}

export interface HttpRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** TLS for https: a client certificate and key, a CA, a server name (as the gRPC connection's). */
  tls?: { cert?: Buffer; key?: Buffer; ca?: Buffer; servername?: string };
}

/** Raised when no answer came within `timeoutMs` (name TimeoutError, as AbortSignal.timeout's). */
export class RequestTimeoutError extends Error {
  override name = 'TimeoutError';
}
