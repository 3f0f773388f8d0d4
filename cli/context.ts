/** What every command needs: options, the config, the user, output, and a lazily connected Temporal client. */
import { hostname, userInfo } from 'node:os';
import type { Client } from '@temporalio/client';
import {
  connectClient,
  resolveTemporalTarget,
  withTemporalTarget,
  type ConnectionOverrides,
  type TemporalTarget,
} from '../clients/temporal-connection';
import { loadConfig, type ValidationMemo } from '../config/load';
import { workflowUiUrl } from '../domain/links';
import type { GamedayConfig } from '../config/schema';
import { EXIT, type ExitCode } from './exit-codes';
import { CliError, toCliError, usageError } from './errors';
import { trustDeferredExtraCaCerts } from './extra-ca';
import { httpChoice, type HttpChoice } from './http/target';

/** The connection and output options every command accepts. */
export interface GlobalOptions extends Pick<
  ConnectionOverrides,
  'apiKey' | 'tls' | 'tlsCertPath' | 'tlsKeyPath' | 'tlsCaPath' | 'tlsServerName'
> {
  address?: string;
  namespace?: string;
  /** Seconds, as typed on the command line. */
  connectTimeout?: string;
  json?: boolean;
}

export class CliContext {
  /** Set by the CLI bundle (cli/main.ts `run`): configs it validated before are not validated again. */
  static validationMemo?: ValidationMemo;
  private loadedConfig?: GamedayConfig;
  private target?: TemporalTarget;
  private http?: HttpChoice | null;
  private connected?: Client;

  constructor(
    readonly options: GlobalOptions,
    readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  get json(): boolean {
    return Boolean(this.options.json);
  }

  /** The environment with --address / --namespace applied: they win over TEMPORAL_* and the profile file. */
  private get temporalEnv(): NodeJS.ProcessEnv {
    const env = { ...this.env };
    if (this.options.address) env.TEMPORAL_ADDRESS = this.options.address;
    if (this.options.namespace) env.TEMPORAL_NAMESPACE = this.options.namespace;
    return env;
  }

  /** The API key and TLS flags, over their TEMPORAL_* variables. */
  private get tlsOverrides(): ConnectionOverrides {
    const { apiKey, tls, tlsCertPath, tlsKeyPath, tlsCaPath, tlsServerName } = this.options;
    return { apiKey, tls, tlsCertPath, tlsKeyPath, tlsCaPath, tlsServerName };
  }

  /** The config: defaults, GAMEDAY_CONFIG, env overrides, the Temporal profile, then --address / --namespace. */
  get config(): GamedayConfig {
    if (!this.loadedConfig) {
      const env = this.temporalEnv;
      try {
        const loaded = loadConfig(env, {}, CliContext.validationMemo);
        this.target = resolveTemporalTarget(loaded, env, this.tlsOverrides);
        this.loadedConfig = withTemporalTarget(loaded, this.target);
      } catch (err) {
        throw usageError((err as Error).message);
      }
    }
    return this.loadedConfig;
  }

  /** Who acts: GAMEDAY_USER, else the OS user. Recorded with every operator action. */
  get user(): string {
    if (this.env.GAMEDAY_USER) return this.env.GAMEDAY_USER;
    try {
      return userInfo().username || 'unknown';
    } catch {
      return 'unknown';
    }
  }

  get identity(): string {
    return `${this.user}@${hostname()} (gameday cli)`;
  }

  get namespace(): string {
    return this.config.temporal.namespace;
  }

  connectTimeoutMs(): number {
    const text = this.options.connectTimeout ?? this.env.GAMEDAY_CONNECT_TIMEOUT ?? '5';
    const seconds = Number(text);
    if (!Number.isFinite(seconds) || seconds <= 0) {
      throw usageError(`invalid --connect-timeout ${JSON.stringify(text)}: expected seconds > 0`);
    }
    return Math.round(seconds * 1000);
  }

  /** The frontend's HTTP API when configured for this server (cli/http/target.ts), else undefined: use gRPC. */
  httpApi(): HttpChoice | undefined {
    if (this.http === undefined) {
      const config = this.config;
      this.http = (this.target && httpChoice(config, this.target)) ?? null;
    }
    return this.http ?? undefined;
  }

  /** Connects on first use (after all input was validated). */
  async client(): Promise<Client> {
    if (this.connected) return this.connected;
    const config = this.config;
    const timeout = this.connectTimeoutMs();
    trustDeferredExtraCaCerts();
    try {
      this.connected = await connectClient(config, this.temporalEnv, {
        ...this.tlsOverrides,
        identity: this.identity,
        connectTimeoutMs: timeout,
      });
    } catch (err) {
      throw toCliError(err, config.temporal.address);
    }
    return this.connected;
  }

  async close(): Promise<void> {
    await this.connected?.connection.close().catch(() => undefined);
  }

  /** The Temporal UI page of a run. */
  uiLink(workflowId: string, runId?: string): string {
    return workflowUiUrl(this.config.temporal.uiUrl, this.namespace, workflowId, runId);
  }

  /** Prints the JSON value with --json, else the text lines. */
  print(text: string | string[], json: unknown): void {
    if (this.json) process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    else {
      const lines = Array.isArray(text) ? text : [text];
      if (lines.length) process.stdout.write(`${lines.join('\n')}\n`);
    }
  }

  /** Progress and notes for humans: stderr, silent with --json. */
  note(line: string): void {
    if (!this.json) process.stderr.write(`${line}\n`);
  }

  reportError(err: unknown): ExitCode {
    const error = err instanceof CliError ? err : toCliError(err, this.loadedConfig?.temporal.address);
    if (this.json) {
      process.stdout.write(
        `${JSON.stringify({ error: error.message, exitCode: error.exitCode, ...error.details }, null, 2)}\n`,
      );
    } else {
      process.stderr.write(`gameday: ${error.message}\n`);
    }
    return error.exitCode ?? EXIT.FAILING;
  }
}
