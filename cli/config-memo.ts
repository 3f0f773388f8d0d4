/**
 * The CLI bundle's memory of the configs the schema accepted (config/load.ts `ValidationMemo`): in a folder next to
 * the bundle, one file per config (named by a hash of it) holding the bundle's build stamp and the config's JSON text,
 * compared whole. Another config, or another build of the bundle, is validated again. Unreadable or unwritable (a
 * read-only install): validated every time.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ValidationMemo } from '../config/load';

/**
 * A file name for a config's text (the text itself is compared whole): FNV-1a in two 32-bit lanes over the UTF-8
 * bytes taken four at a time. Not node:crypto, which takes milliseconds to load, nor a loop per character, which
 * takes milliseconds before it is compiled.
 */
function textHash(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  const words = new Uint32Array(Math.ceil(bytes.length / 4));
  new Uint8Array(words.buffer).set(bytes);
  let low = 0x811c9dc5;
  let high = 0x050c5d1f;
  for (const word of words) {
    low = Math.imul(low ^ word, 0x01000193);
    high = Math.imul(high ^ (word >>> 16) ^ (word << 16), 0x01000193);
  }
  return `${(low >>> 0).toString(16).padStart(8, '0')}${(high >>> 0).toString(16).padStart(8, '0')}-${bytes.length}`;
}

export function fileValidationMemo(dir: string, stamp: string): ValidationMemo {
  const header = `${stamp}\n`;
  const fileOf = (text: string) => join(dir, `${textHash(text)}.json`);
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
