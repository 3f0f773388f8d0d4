/**
 * Ends the CLI once its output is out. `process.exit` drops what a pipe has not taken yet (stdout to a pipe is
 * asynchronous on POSIX: `gameday status --json | jq` lost everything past the pipe's 64 KiB), and the process cannot
 * simply end by itself while the Temporal connection holds the event loop open.
 */
export function exitWhenWritten(code: number): void {
  process.exitCode = code;
  const pending = [process.stdout, process.stderr].filter((stream) => stream.writableLength > 0);
  let left = pending.length;
  if (left === 0) process.exit(code);
  // An empty write's callback runs once every chunk queued before it has been handed to the OS.
  for (const stream of pending) stream.write('', () => --left === 0 && process.exit(code));
}
