/**
 * The CLI bundle's memory of the last config the schema accepted (config/load.ts `ValidationMemo`): one file next to
 * the bundle holding the bundle's build stamp and the config's JSON text. Another config, or another build of the
 * bundle, is validated again. Unreadable or unwritable (a read-only install): validated every time.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { ValidationMemo } from '../config/load';

export function fileValidationMemo(file: string, stamp: string): ValidationMemo {
  const header = `${stamp}\n`;
  return {
    accepted(text) {
      try {
        return readFileSync(file, 'utf8') === header + text;
      } catch {
        return false;
      }
    },
    remember(text) {
      const partial = `${file}.${process.pid}`;
      try {
        writeFileSync(partial, header + text);
        renameSync(partial, file);
      } catch {
        // A memo is an optimisation: without it the config is validated again next time.
      }
    },
  };
}
