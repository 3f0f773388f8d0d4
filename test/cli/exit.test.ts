import { spawn } from 'node:child_process';
import { ROOT } from './cli-harness';

const SIZE = 300_000;

/** Runs a child that writes SIZE bytes of `stream` and ends with `exitWhenWritten(3)`, its reader slow to start. */
function childOutput(stream: 'stdout' | 'stderr'): Promise<{ code: number | null; length: number }> {
  const script = `
    const { exitWhenWritten } = require('./cli/exit.ts');
    setInterval(() => undefined, 60_000); // a connection holding the event loop open, as the Temporal client does
    process.${stream}.write('x'.repeat(${SIZE}));
    exitWhenWritten(3);`;
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: ROOT });
  const out = child[stream];
  out.pause();
  let length = 0;
  out.on('data', (chunk: Buffer) => (length += chunk.length));
  setTimeout(() => out.resume(), 500);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, length })));
}

describe('the CLI exits once its output is out', () => {
  it.each(['stdout', 'stderr'] as const)(
    'a reader slower than the CLI gets all of %s, then the exit code',
    async (s) => {
      expect(await childOutput(s)).toEqual({ code: 3, length: SIZE });
    },
  );
});
