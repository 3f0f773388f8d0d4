/** Argument parsing and validation: everything is checked before the CLI connects to Temporal. */
import { CYCLES, isCycle, type Cycle } from '../domain/cycles';
import { addDays, dateInZone, isValidGameDate, PLATFORM_TIME_ZONE } from '../domain/dates';
import { parsePhase as parseDomainPhase, type PhaseNumber } from '../domain/phases';
import { usageError } from './errors';

/** YYYY-MM-DD, or today / yesterday / tomorrow in the platform's time zone (America/New_York). */
export function parseDate(input: string | undefined, what = 'date', timeZone = PLATFORM_TIME_ZONE): string {
  const text = (input ?? 'today').trim().toLowerCase();
  // Today only when asked for: the first time-zone formatter costs a command tens of milliseconds.
  const today = () => dateInZone(Date.now(), timeZone);
  if (text === 'today') return today();
  if (text === 'yesterday') return addDays(today(), -1);
  if (text === 'tomorrow') return addDays(today(), 1);
  if (!isValidGameDate(text)) {
    throw usageError(
      `invalid ${what} ${JSON.stringify(input)}: expected a real calendar date as YYYY-MM-DD (or today, yesterday, tomorrow)`,
    );
  }
  return text;
}

export function parsePhase(input: unknown, allowed?: readonly PhaseNumber[]): PhaseNumber {
  let phase: PhaseNumber;
  try {
    phase = parseDomainPhase(input);
  } catch (err) {
    throw usageError((err as Error).message);
  }
  if (allowed && !allowed.includes(phase)) {
    throw usageError(`phase ${phase} is not allowed here: expected one of ${allowed.join(', ')}`);
  }
  return phase;
}

export function parseInteger(input: unknown, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const text = String(input).trim();
  const value = Number(text);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `${min}-${max}`;
    throw usageError(`invalid ${what} ${JSON.stringify(input)}: expected an integer ${range}`);
  }
  return value;
}

export function parseCycle(input: string | undefined): Cycle | undefined {
  if (input === undefined) return undefined;
  if (!isCycle(input)) throw usageError(`unknown cycle ${JSON.stringify(input)}: expected one of ${CYCLES.join(', ')}`);
  return input;
}

export function requireReason(input: string | undefined): string {
  if (typeof input !== 'string' || input.trim() === '') {
    throw usageError('a --reason is required: it is recorded in the workflow history with your user name');
  }
  return input.trim();
}

/** Every date from `from` to `to`, inclusive. */
export function dateRange(from: string, to: string, maxDays = 366): string[] {
  if (to < from) throw usageError(`the range ${from} .. ${to} is empty: FROM must not be after TO`);
  const dates: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    dates.push(d);
    if (dates.length > maxDays) throw usageError(`the range ${from} .. ${to} has more than ${maxDays} days`);
  }
  return dates;
}
