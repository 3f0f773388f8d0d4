/** Progress lines on stderr (stdout carries the table). */
const started = Date.now();

export function progress(line: string): void {
  process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
}
