/**
 * The shadow report as warehouse rows (BigQuery emulator): one execution-log row per date, cycle and phase
 * (processor_name 'shadow_report'), written twice without a duplicate.
 */
import type { BigQuery } from '@google-cloud/bigquery';
import { writeExecutionEvents } from '../../activities/warehouse/execution-log';
import { compare, shadowLogEvents } from '../../clients/shadow-report';
import { loadConfig } from '../../config/load';
import type { GamedayConfig } from '../../config/schema';
import type { DayState } from '../../contracts/state';
import { applyWarehouse } from '../../warehouse/apply';
import { createBigQueryClient, runQuery, tableRef } from '../../warehouse/client';
import { emulatorUnavailableReason, startBigQueryEmulator, type BigQueryEmulator } from '../../warehouse/emulator';
import { EXECUTION_LOG_TABLE } from '../../warehouse/tables';

// Jest cannot run teeny-request's dynamic import of node-fetch: see test/warehouse/teeny-request-shim.ts.
jest.mock('teeny-request', () =>
  (
    jest.requireActual('../warehouse/teeny-request-shim') as { teenyRequestWithNodeFetch(): unknown }
  ).teenyRequestWithNodeFetch(),
);

const unavailable = emulatorUnavailableReason();
if (unavailable) console.warn(`SKIPPED: shadow-report rows need the BigQuery emulator: ${unavailable}`);
const suite = unavailable ? describe.skip : describe;

suite('shadow report rows in the warehouse', () => {
  let emulator: BigQueryEmulator;
  let config: GamedayConfig;
  let bq: BigQuery;

  beforeAll(async () => {
    emulator = await startBigQueryEmulator();
    config = loadConfig(
      {},
      {
        warehouse: { enabled: true, apiEndpoint: emulator.apiEndpoint, projectId: emulator.projectId, location: 'US' },
      },
    );
    bq = createBigQueryClient(config.warehouse);
    await applyWarehouse(bq, config, { platformTables: false });
  }, 180_000);
  afterAll(async () => {
    await emulator?.stop();
  });

  test('one row per date, cycle and phase; a second write adds nothing', async () => {
    const from = Date.parse('2026-01-14T22:00:00Z');
    const to = Date.parse('2026-01-15T10:00:00Z');
    const state = {
      cycles: {
        tomorrow: {
          steps: [
            {
              kind: 'phase4',
              id: 'tomorrow/phase4',
              status: 'SKIPPED',
              legacy: { outcome: 'would-trigger', reason: 'r', at: '2026-01-14T22:35:00.000Z' },
            },
          ],
        },
      },
    } as unknown as DayState;
    const legacy = {
      triggered: true,
      triggeredAt: '2026-01-14T23:00:00.000Z',
      triggerPending: false,
      completions: 3,
    };
    const rows = [
      compare('2026-01-15', 'tomorrow', 4, legacy, state, from, to),
      compare(
        '2026-01-15',
        'tomorrow',
        5,
        { triggered: false, triggerPending: false, completions: 0 },
        state,
        from,
        to,
      ),
    ];
    const events = shadowLogEvents(rows, config);
    expect(await writeExecutionEvents({ config, bq }, events)).toBe(2);
    expect(await writeExecutionEvents({ config, bq }, events)).toBe(0);
    const { rows: stored } = await runQuery<Record<string, unknown>>(
      bq,
      `SELECT execution_id, status, records_processed, error_message FROM ${tableRef(config.warehouse, 'orchestration', EXECUTION_LOG_TABLE)}
       WHERE processor_name = 'shadow_report' ORDER BY execution_id`,
    );
    expect(stored).toEqual([
      expect.objectContaining({
        execution_id: 'shadow:2026-01-15:tomorrow:phase4',
        status: 'first_gameday',
        records_processed: 3,
        error_message: expect.stringContaining('Gameday 25 min ahead'),
      }),
      expect.objectContaining({ execution_id: 'shadow:2026-01-15:tomorrow:phase5', status: 'first_neither' }),
    ]);
  }, 120_000);
});
