/**
 * `json.dumps(message, default=str)` as the platform's Python publishers call it: keys in insertion order,
 * separators ", " and ": ", non-ASCII escaped as \uXXXX, floats that hold a whole number written with ".0".
 * A value wrapped with `pyFloat` is a Python float (so 0.0 prints as 0.0, not 0).
 */
const FLOAT = Symbol('python float');

export interface PyFloat {
  [FLOAT]: number;
}

export function pyFloat(value: number): PyFloat {
  return { [FLOAT]: value };
}

function isPyFloat(value: unknown): value is PyFloat {
  return typeof value === 'object' && value !== null && FLOAT in value;
}

function escape(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function pythonJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (isPyFloat(value)) {
    const n = value[FLOAT];
    return Number.isInteger(n) ? `${n}.0` : String(n);
  }
  if (typeof value === 'string') return escape(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'NaN';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(
      ([k, v]) => `${escape(k)}: ${pythonJsonDumps(v)}`,
    );
    return `{${entries.join(', ')}}`;
  }
  return escape(String(value));
}

/** JSON.stringify's view of a message built with pyFloat values (for events and tests). */
export function plain(value: unknown): unknown {
  return JSON.parse(pythonJsonDumps(value));
}
