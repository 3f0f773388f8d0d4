/**
 * The CLI bundle's memory of the configs the schema accepted (config/load.ts `ValidationMemo`): in a folder next to
 * the bundle, one file per config (named by a hash of it) holding the bundle's build stamp and the config's JSON text,
 * compared whole. Another config, or another build of the bundle, is validated again. Unreadable or unwritable (a
 * read-only install): validated every time.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ValidationMemo } from '../config/load';

/** FNV-1a, 64 bits as hex: a file name only (the text is compared whole), without loading node:crypto. */
function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}

export function fileValidationMemo(dir: string, stamp: string): ValidationMemo {
  const header = `${stamp}\n`;
  const fileOf = (text: string) => join(dir, `${fnv1a64(text)}.json`);
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
