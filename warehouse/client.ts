/** The BigQuery client Gameday uses, and a query helper that always surfaces errors. */
import type { BigQuery, BigQueryDate, Query } from '@google-cloud/bigquery';
import { OAuth2Client } from 'google-auth-library';
import type { GamedayConfig } from '../config/schema';

export type WarehouseConfig = GamedayConfig['warehouse'];

/**
 * The BigQuery package, loaded on first use: a worker whose warehouse is off never loads it (about 17 MB of
 * resident memory).
 */
export function bigQueryPackage(): typeof import('@google-cloud/bigquery') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@google-cloud/bigquery') as typeof import('@google-cloud/bigquery');
}

/** A DATE query parameter. */
export function dateParam(gameDate: string): BigQueryDate {
  return bigQueryPackage().BigQuery.date(gameDate);
}

/**
 * Production: Application Default Credentials against the real API. With `apiEndpoint` (an emulator):
 * a dummy OAuth2 client, so google-auth-library never looks for ADC or probes the metadata server.
 */
export function createBigQueryClient(warehouse: WarehouseConfig): BigQuery {
  const { BigQuery } = bigQueryPackage();
  if (!warehouse.apiEndpoint) {
    return new BigQuery({ projectId: warehouse.projectId, location: warehouse.location });
  }
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: 'emulator', expiry_date: Date.now() + 365 * 24 * 3600 * 1000 });
  return new BigQuery({
    projectId: warehouse.projectId,
    location: warehouse.location,
    apiEndpoint: warehouse.apiEndpoint.replace(/\/+$/, ''),
    authClient,
  });
}

export interface QueryOutcome<T> {
  rows: T[];
  /** For DML: rows inserted, updated or deleted. */
  affectedRows: number;
}

/**
 * Runs one statement through jobs.insert + getQueryResults (never the jobs.query fast path, whose
 * errors an emulator can swallow), so a broken query always throws. DATE params must be `dateParam(...)`.
 */
export async function runQuery<T = Record<string, unknown>>(
  bq: BigQuery,
  query: string,
  params?: Query['params'],
  types?: Query['types'],
): Promise<QueryOutcome<T>> {
  const [job] = await bq.createQueryJob({ query, params, types, useLegacySql: false });
  const [rows] = await job.getQueryResults();
  const affected = Number(job.metadata?.statistics?.query?.numDmlAffectedRows ?? 0);
  return { rows: rows as T[], affectedRows: Number.isFinite(affected) ? affected : 0 };
}

/** `project.dataset.table` in backticks. */
export function tableRef(
  warehouse: WarehouseConfig,
  dataset: keyof WarehouseConfig['datasets'],
  table: string,
): string {
  return `\`${warehouse.projectId}.${warehouse.datasets[dataset]}.${table}\``;
}

/** A DATE/TIMESTAMP/number cell as plain JSON. */
export function plain(value: unknown): unknown {
  if (value && typeof value === 'object' && 'value' in value) return (value as { value: unknown }).value;
  return value;
}
