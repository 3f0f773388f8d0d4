/** Creates or updates Gameday's datasets, tables and view idempotently, reporting each change. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BigQuery, TableField, TableMetadata } from '@google-cloud/bigquery';
import type { GamedayConfig } from '../config/schema';
import { tableRef, type WarehouseConfig } from './client';
import { STATUS_VIEW, TABLES, type DatasetKey, type TableDef } from './tables';

export type ChangeAction = 'created' | 'updated' | 'unchanged' | 'drift' | 'would-create' | 'would-update';

export interface WarehouseChange {
  kind: 'dataset' | 'table' | 'view';
  /** dataset or dataset.table */
  name: string;
  action: ChangeAction;
  detail?: string;
}

export interface ApplyOptions {
  /** Also create the platform's tables when missing (emulators only: in production the platform owns them). */
  platformTables?: boolean;
  /** Report what would change without changing anything. */
  dryRun?: boolean;
}

/** The status view's SQL with the config's project, datasets and thresholds filled in. */
export function statusViewSql(config: GamedayConfig): string {
  const template = readFileSync(join(__dirname, 'sql', 'daily_phase_status.sql'), 'utf8');
  const values: Record<string, string> = {
    time_zone: config.timeZone,
    min_active_predictions: String(config.predictions.minActivePredictions),
  };
  for (const table of TABLES) values[table.name] = tableRef(config.warehouse, table.dataset, table.name);
  return template
    .replace(/^--.*\n/gm, '')
    .replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
      const value = values[key];
      if (value === undefined) throw new Error(`daily_phase_status.sql: unknown placeholder {{${key}}}`);
      return value;
    })
    .trim();
}

export async function applyWarehouse(
  bq: BigQuery,
  config: GamedayConfig,
  opts: ApplyOptions = {},
): Promise<WarehouseChange[]> {
  const warehouse = config.warehouse;
  const changes: WarehouseChange[] = [];
  const wanted = TABLES.filter((t) => t.owner === 'gameday' || opts.platformTables);
  const ownDatasets = new Set<DatasetKey>(wanted.map((t) => t.dataset));
  const missingDatasets = new Set<DatasetKey>();

  for (const key of Object.keys(warehouse.datasets) as DatasetKey[]) {
    const name = warehouse.datasets[key];
    const dataset = bq.dataset(name);
    const [exists] = await dataset.exists();
    if (exists) {
      changes.push({ kind: 'dataset', name, action: 'unchanged' });
    } else if (!ownDatasets.has(key)) {
      missingDatasets.add(key);
      changes.push({ kind: 'dataset', name, action: 'drift', detail: 'missing: the platform creates it' });
    } else if (opts.dryRun) {
      missingDatasets.add(key);
      changes.push({ kind: 'dataset', name, action: 'would-create' });
    } else {
      await bq.createDataset(name, { location: warehouse.location });
      changes.push({ kind: 'dataset', name, action: 'created', detail: `location ${warehouse.location}` });
    }
  }

  for (const def of TABLES) {
    const own = wanted.includes(def);
    if (missingDatasets.has(def.dataset)) {
      if (own) changes.push({ kind: 'table', name: qualified(warehouse, def), action: 'would-create' });
      continue;
    }
    changes.push(await applyTable(bq, warehouse, def, own, Boolean(opts.dryRun)));
  }

  changes.push(await applyView(bq, config, missingDatasets.has('orchestration'), Boolean(opts.dryRun)));
  return changes;
}

function qualified(warehouse: WarehouseConfig, def: { dataset: DatasetKey; name: string }): string {
  return `${warehouse.datasets[def.dataset]}.${def.name}`;
}

async function applyTable(
  bq: BigQuery,
  warehouse: WarehouseConfig,
  def: TableDef,
  own: boolean,
  dryRun: boolean,
): Promise<WarehouseChange> {
  const name = qualified(warehouse, def);
  const table = bq.dataset(warehouse.datasets[def.dataset]).table(def.name);
  const [exists] = await table.exists();
  if (!exists) {
    if (!own) return { kind: 'table', name, action: 'drift', detail: 'missing: the platform creates it' };
    if (dryRun) return { kind: 'table', name, action: 'would-create' };
    await table.create({
      schema: { fields: def.fields },
      timePartitioning: { type: 'DAY', field: def.partitionBy },
      ...(def.clusterBy ? { clustering: { fields: def.clusterBy } } : {}),
      description: def.description,
    });
    const layout = `partitioned by day of ${def.partitionBy}${def.clusterBy ? `, clustered by ${def.clusterBy.join(', ')}` : ''}`;
    return { kind: 'table', name, action: 'created', detail: `${def.fields.length} columns, ${layout}` };
  }
  const [metadata] = (await table.getMetadata()) as [TableMetadata, unknown];
  const current: TableField[] = metadata.schema?.fields ?? [];
  const problems: string[] = [];
  for (const field of def.fields) {
    const found = current.find((c) => c.name === field.name);
    if (found && normalType(found.type) !== normalType(field.type)) {
      problems.push(`${field.name} is ${found.type}, expected ${field.type}`);
    }
  }
  if (own && metadata.timePartitioning?.field !== def.partitionBy) {
    problems.push(`partitioned by ${metadata.timePartitioning?.field ?? 'nothing'}, expected ${def.partitionBy}`);
  }
  const missing = def.fields.filter((field) => !current.some((c) => c.name === field.name));
  if (!own) {
    if (missing.length) problems.push(`missing columns ${missing.map((m) => m.name).join(', ')}`);
    return problems.length
      ? { kind: 'table', name, action: 'drift', detail: problems.join('; ') }
      : { kind: 'table', name, action: 'unchanged' };
  }
  if (problems.length) return { kind: 'table', name, action: 'drift', detail: problems.join('; ') };
  if (missing.length === 0) return { kind: 'table', name, action: 'unchanged' };
  const added = missing.map((m) => ({ ...m, mode: 'NULLABLE' }));
  const detail = `add columns ${added.map((m) => m.name).join(', ')}`;
  if (dryRun) return { kind: 'table', name, action: 'would-update', detail };
  await table.setMetadata({ schema: { fields: [...current, ...added] } });
  return { kind: 'table', name, action: 'updated', detail };
}

async function applyView(
  bq: BigQuery,
  config: GamedayConfig,
  datasetMissing: boolean,
  dryRun: boolean,
): Promise<WarehouseChange> {
  const warehouse = config.warehouse;
  const name = `${warehouse.datasets.orchestration}.${STATUS_VIEW}`;
  const query = statusViewSql(config);
  // The SQL's hash rides in the description: some backends (the emulator) do not echo view.query back.
  const description = `Where each date of the pipeline stands (sql-sha256:${createHash('sha256').update(normalSql(query)).digest('hex').slice(0, 16)})`;
  if (datasetMissing) return { kind: 'view', name, action: 'would-create' };
  const view = bq.dataset(warehouse.datasets.orchestration).table(STATUS_VIEW);
  const [exists] = await view.exists();
  if (!exists) {
    if (dryRun) return { kind: 'view', name, action: 'would-create' };
    await view.create({ view: { query, useLegacySql: false }, description });
    return { kind: 'view', name, action: 'created' };
  }
  const [metadata] = (await view.getMetadata()) as [TableMetadata, unknown];
  const current = metadata.view?.query;
  const same = current ? normalSql(current) === normalSql(query) : metadata.description === description;
  if (same) return { kind: 'view', name, action: 'unchanged' };
  if (dryRun) return { kind: 'view', name, action: 'would-update', detail: 'query differs' };
  await view.setMetadata({ view: { query, useLegacySql: false }, description });
  return { kind: 'view', name, action: 'updated', detail: 'query replaced' };
}

function normalType(type: string | undefined): string {
  const t = (type ?? '').toUpperCase();
  return ({ INTEGER: 'INT64', FLOAT: 'FLOAT64', BOOLEAN: 'BOOL' } as Record<string, string>)[t] ?? t;
}

function normalSql(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}

/** 0: applied (or nothing to do); 2: drift only a person can fix (e.g. a missing platform table). */
export function exitCodeFor(changes: WarehouseChange[]): number {
  return changes.some((c) => c.action === 'drift') ? 2 : 0;
}
