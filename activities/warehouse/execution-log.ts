/** Rows of `nba_orchestration.processor_execution_log`, written idempotently with MERGE on execution_id. */
import { bigQueryPackage, dateParam, runQuery, tableRef } from '../../warehouse/client';
import { EXECUTION_LOG_TABLE } from '../../warehouse/tables';
import type { WarehouseDeps } from './queries';

import type { ExecutionLogEvent } from '../../contracts/execution-log';

export type { ExecutionLogEvent };

const CHUNK = 50;

const COLUMNS: [keyof ExecutionLogEvent, string, 'STRING' | 'TIMESTAMP' | 'DATE' | 'INT64'][] = [
  ['executionId', 'execution_id', 'STRING'],
  ['processorName', 'processor_name', 'STRING'],
  ['phase', 'phase', 'STRING'],
  ['triggeredAt', 'triggered_at', 'TIMESTAMP'],
  ['completedAt', 'completed_at', 'TIMESTAMP'],
  ['status', 'status', 'STRING'],
  ['dataDate', 'data_date', 'DATE'],
  ['triggerSource', 'trigger_source', 'STRING'],
  ['pubsubMessageId', 'pubsub_message_id', 'STRING'],
  ['correlationId', 'correlation_id', 'STRING'],
  ['recordsProcessed', 'records_processed', 'INT64'],
  ['errorMessage', 'error_message', 'STRING'],
];

function paramValue(value: unknown, type: string): unknown {
  if (value === undefined || value === null) return null;
  if (type === 'TIMESTAMP') return bigQueryPackage().BigQuery.timestamp(new Date(String(value)));
  if (type === 'DATE') return dateParam(String(value));
  if (type === 'INT64') return Math.round(Number(value));
  return String(value);
}

/**
 * Inserts the events whose execution_id is not in the log yet (MERGE ... WHEN NOT MATCHED), so a retried
 * activity or a repeated batch never duplicates a row. Returns how many rows were new.
 */
export async function writeExecutionEvents(deps: WarehouseDeps, events: ExecutionLogEvent[]): Promise<number> {
  const unique = [...new Map(events.map((e) => [e.executionId, e])).values()];
  let inserted = 0;
  for (let start = 0; start < unique.length; start += CHUNK) {
    const chunk = unique.slice(start, start + CHUNK);
    const params: Record<string, unknown> = {};
    const types: Record<string, string> = {};
    const selects = chunk.map((event, row) => {
      const cells = COLUMNS.map(([key, column, type]) => {
        const param = `${column}_${row}`;
        params[param] = paramValue(event[key], type);
        types[param] = type;
        return `@${param} AS ${column}`;
      });
      return `SELECT ${cells.join(', ')}`;
    });
    const names = COLUMNS.map(([, column]) => column);
    const { affectedRows } = await runQuery(
      deps.bq,
      `MERGE ${tableRef(deps.config.warehouse, 'orchestration', EXECUTION_LOG_TABLE)} AS target
       USING (${selects.join('\nUNION ALL\n')}) AS source
       ON target.execution_id = source.execution_id
         AND TIMESTAMP_TRUNC(target.triggered_at, DAY) = TIMESTAMP_TRUNC(source.triggered_at, DAY)
       WHEN NOT MATCHED THEN
         INSERT (${names.join(', ')}, processed_at)
         VALUES (${names.map((n) => `source.${n}`).join(', ')}, CURRENT_TIMESTAMP())`,
      params,
      types,
    );
    inserted += affectedRows;
  }
  return inserted;
}
