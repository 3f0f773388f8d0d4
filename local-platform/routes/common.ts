import { z } from 'zod';
import type { ProcessorSpec } from '../../domain/processors';
import { resolvePlatformDate, type DateKeyword } from '../dates';
import { badRequest, headerValue, type IncomingCall } from '../http';

/** A date field: YYYY-MM-DD or one of the keywords, resolved in America/New_York. */
export function dateField(keywords: readonly DateKeyword[], now: () => Date) {
  return z.unknown().transform((value, zctx) => {
    const resolved = resolvePlatformDate(value, keywords, now());
    if (!resolved.ok) {
      zctx.addIssue({ code: 'custom', message: resolved.error });
      return z.NEVER;
    }
    return resolved.date;
  });
}

export const optionalFlag = z.boolean().optional().default(false);
export const optionalText = z.string().min(1).optional();

/** Class names from a request -> the config's processors; empty or missing = all. 400 naming unknown ones. */
export function processorsByClassName(
  requested: readonly string[] | undefined,
  known: readonly ProcessorSpec[],
): ProcessorSpec[] {
  if (!requested || requested.length === 0) return [...known];
  const unknown = requested.filter((name) => !known.some((p) => p.className === name));
  if (unknown.length) {
    throw badRequest(
      `unknown processor${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => JSON.stringify(n)).join(', ')}: expected class names among ${known.map((p) => p.className).join(', ')}`,
    );
  }
  const seen = new Set<string>();
  return requested
    .filter((n) => !seen.has(n) && seen.add(n))
    .map((n) => known.find((p) => p.className === n) as ProcessorSpec);
}

export function idempotencyKey(call: IncomingCall): string | undefined {
  return headerValue(call.headers, 'idempotency-key') || undefined;
}
