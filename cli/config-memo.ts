/**
 * The CLI bundle's memory of the configs the schema accepted (config/load.ts `ValidationMemo`): in a folder next to
 * the bundle, one file per config (named by its hash) holding the bundle's build stamp and the config's JSON text,
 * compared whole. Another config, or another build of the bundle, is validated again. Unreadable or unwritable (a
 * read-only install): validated every time.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ValidationMemo } from '../config/load';

export function fileValidationMemo(dir: string, stamp: string): ValidationMemo {
  const header = `${stamp}\n`;
  const fileOf = (text: string) => join(dir, `${createHash('sha256').update(text).digest('hex').slice(0, 32)}.json`);
  return {
    accepted(text) {
      try {
        return readFileSync(fileOf(text), 'utf8') === header + text;
      } catch {
        return false;
      }
    },
    remember(text) {
      const file = fileOf(text);
      const partial = `${file}.${process.pid}`;
      try {
        mkdirSync(dir, { recursive: true });
        writeFileSync(partial, header + text);
        renameSync(partial, file);
      } catch {
        // A memo is an optimisation: without it the config is validated again next time.
      }
    },
  };
}
