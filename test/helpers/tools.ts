import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { PIPELINE_SEARCH_ATTRIBUTES } from '../../contracts/search-attributes';

const TOOLS_BIN = join(__dirname, '..', '..', '.tools', 'venv', 'bin');

function tool(name: string): string {
  const path = join(TOOLS_BIN, name);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run setup\` (npm test runs it first)`);
  return path;
}

export const temporalCliPath = (): string => tool('temporal');
export const testServerPath = (): string => tool('temporal-test-server');

/** The time-skipping test server from the pinned PyPI package (its default download cannot work here). */
let runtimeInstalled = false;

/** Worker logs at WARN, so test output shows what matters; must run before the first connection. */
export function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}

export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: testServerPath() } },
  });
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      PIPELINE_SEARCH_ATTRIBUTES.map((key) => [
        key.name,
        temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      ]),
    ),
  });
  return env;
}

/**
 * The dev server (schedules, search attributes, reset) from the pinned PyPI package; `extraArgs` go to
 * `temporal server start-dev` (e.g. `['--http-port', '7243']` for its HTTP API on a known port).
 */
export function createDevServerEnv(options: { extraArgs?: string[] } = {}): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      searchAttributes: PIPELINE_SEARCH_ATTRIBUTES,
      ip: '127.0.0.1',
      extraArgs: options.extraArgs,
    },
  });
}
