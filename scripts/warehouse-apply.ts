/**
 * Creates or updates Gameday's BigQuery objects idempotently and prints what changed:
 * the five datasets (only nba_orchestration is Gameday's own), processor_execution_log and daily_phase_status.
 *
 *   npx tsx scripts/warehouse-apply.ts [--json] [--dry-run] [--platform-tables] [--seed-demo]
 *                                      [--api-endpoint URL] [--project ID] [--location LOC]
 *
 * Production: ADC against config.warehouse.projectId. For an emulator pass --api-endpoint (location defaults
 * to US there); --platform-tables also creates the platform's tables and --seed-demo writes the demo dates.
 * Exit codes: 0 applied or nothing to do; 1 error; 2 drift only a person can fix; 64 bad arguments.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load';
import { applyWarehouse, exitCodeFor, type WarehouseChange } from '../warehouse/apply';
import { createBigQueryClient } from '../warehouse/client';
import { seedDemoDates } from '../warehouse/seed';

const USAGE = `usage: warehouse-apply [--json] [--dry-run] [--platform-tables] [--seed-demo] [--api-endpoint URL] [--project ID] [--location LOC]`;

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        json: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        'platform-tables': { type: 'boolean', default: false },
        'seed-demo': { type: 'boolean', default: false },
        'api-endpoint': { type: 'string' },
        project: { type: 'string' },
        location: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 64;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const endpoint = values['api-endpoint'];
  if (values['seed-demo'] && !endpoint) {
    process.stderr.write('--seed-demo writes platform tables: only with --api-endpoint (an emulator)\n');
    return 64;
  }
  const config = loadConfig(process.env, {
    warehouse: {
      ...(endpoint ? { apiEndpoint: endpoint, location: values.location ?? 'US' } : {}),
      ...(values.location ? { location: values.location } : {}),
      ...(values.project ? { projectId: values.project } : {}),
    },
  });
  const bq = createBigQueryClient(config.warehouse);
  const changes = await applyWarehouse(bq, config, {
    platformTables: values['platform-tables'],
    dryRun: values['dry-run'],
  });
  if (values['seed-demo'] && !values['dry-run']) await seedDemoDates(bq, config);
  const code = exitCodeFor(changes);
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ projectId: config.warehouse.projectId, dryRun: values['dry-run'], changes, exitCode: code }, null, 2)}\n`,
    );
  } else {
    for (const change of changes) process.stdout.write(`${line(change)}\n`);
    const changed = changes.filter((c) => c.action !== 'unchanged').length;
    process.stdout.write(
      `${config.warehouse.projectId}: ${changed === 0 ? 'nothing to change' : `${changed} change(s)`}${code === 2 ? ' (drift needs a person)' : ''}\n`,
    );
  }
  return code;
}

function line(change: WarehouseChange): string {
  return `${change.action.padEnd(12)} ${change.kind.padEnd(7)} ${change.name}${change.detail ? `  (${change.detail})` : ''}`;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`warehouse-apply: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
