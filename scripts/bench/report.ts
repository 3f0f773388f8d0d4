/**
 * The report: each benchmark returns one section (markdown); `npm run bench` prints the sections and replaces them
 * in BENCHMARKS.md between their markers, so a run of some benchmarks keeps the others' last figures.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { machineLine } from './machine';

export interface Section {
  id: string;
  title: string;
  /** Markdown below the title: the table and what it means. */
  body: string;
}

export interface RunInfo {
  command: string;
  machine: string;
  date: string;
}

export function runInfo(argv: string[]): RunInfo {
  const args = argv.length ? ` -- ${argv.join(' ')}` : '';
  return { command: `npm run bench${args}`, machine: machineLine(), date: new Date().toISOString().slice(0, 16) + 'Z' };
}

/** A markdown table with padded columns (what Prettier would write). */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(3, h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (c ?? '').padEnd(widths[i])).join(' | ')} |`;
  return [line(headers), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

export function renderSection(section: Section, info: RunInfo): string {
  return [
    `## ${section.title}`,
    '',
    `Command: \`${info.command}\`. Machine: ${info.machine}. Measured ${info.date}.`,
    '',
    section.body.trim(),
  ].join('\n');
}

const begin = (id: string) => `<!-- bench:${id} -->`;
const end = (id: string) => `<!-- /bench:${id} -->`;

/** Replaces (or appends) each section between its markers, in the order of `order`; formatted as `npm run lint` wants. */
export async function updateReport(
  path: string,
  header: string,
  order: string[],
  rendered: Map<string, string>,
): Promise<void> {
  const previous = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const kept = new Map<string, string>();
  for (const id of order) {
    const from = previous.indexOf(begin(id));
    const to = previous.indexOf(end(id));
    if (from >= 0 && to > from) kept.set(id, previous.slice(from + begin(id).length, to).trim());
  }
  const parts = [header.trim()];
  for (const id of order) {
    const text = rendered.get(id) ?? kept.get(id);
    if (text) parts.push([begin(id), text, end(id)].join('\n'));
  }
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(path)) ?? {};
  writeFileSync(path, await prettier.format(parts.join('\n\n') + '\n', { ...options, filepath: path }));
}
