/**
 * Every start-up step of the local stack has a deadline and names what it waits for; a result that arrives after
 * its deadline is disposed of, not left running.
 */
import { StartupTimeoutError, startupSteps } from '../../scripts/lib/startup-step';

test('a step that hangs fails after its deadline, naming what it waited for', async () => {
  const lines: string[] = [];
  const steps = startupSteps(50, (line) => lines.push(line));
  const hang = steps.run('the Temporal dev server on 127.0.0.1:7233', () => new Promise<never>(() => undefined));
  await expect(hang).rejects.toThrow(StartupTimeoutError);
  await expect(hang).rejects.toThrow(
    'timed out after 0.1 s waiting for the Temporal dev server on 127.0.0.1:7233 (localStack.stepTimeoutSeconds)',
  );
  expect(lines).toEqual(['waiting for the Temporal dev server on 127.0.0.1:7233']);
});

test('a step that finishes in time reports how long it took; one that finishes late is disposed of', async () => {
  const lines: string[] = [];
  const steps = startupSteps(100, (line) => lines.push(line));
  await expect(steps.run('the workflow bundle', async () => 'bundle')).resolves.toBe('bundle');
  expect(lines[1]).toMatch(/^the workflow bundle: ready in \d+\.\d s$/);

  const disposed: string[] = [];
  const late = steps.run(
    'the BigQuery emulator',
    () => new Promise<string>((resolve) => setTimeout(() => resolve('emulator'), 300)),
    async (value) => {
      disposed.push(value);
    },
  );
  await expect(late).rejects.toThrow('waiting for the BigQuery emulator');
  expect(disposed).toEqual([]);
  await new Promise((resolve) => setTimeout(resolve, 400));
  expect(disposed).toEqual(['emulator']);
});

test('a step that fails fails with its own error, not a timeout', async () => {
  const steps = startupSteps(1000, () => undefined);
  await expect(steps.run('the local platform', () => Promise.reject(new Error('port in use')))).rejects.toThrow(
    'port in use',
  );
});
