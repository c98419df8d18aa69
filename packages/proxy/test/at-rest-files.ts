import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every regular file under `dir` (recursively), by path relative to `dir`. */
export function filesOf(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** Permission bits of `dir` and of every file under it, e.g. `{ '.': '700', 'proxy.db': '600' }`. */
export function modesOf(dir: string): Record<string, string> {
  const out: Record<string, string> = { '.': (statSync(dir).mode & 0o777).toString(8) };
  for (const f of filesOf(dir).keys()) out[f] = (statSync(join(dir, f)).mode & 0o777).toString(8);
  return out;
}

/** `modesOf(dir)` as it must be: the directory 0700, every file 0600. */
export function privateModes(dir: string): Record<string, string> {
  return Object.fromEntries(Object.keys(modesOf(dir)).map((f) => [f, f === '.' ? '700' : '600']));
}

/** Every file's SHA-256 and length: byte-for-byte before/after comparisons with readable diffs. */
export function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries([...filesOf(dir)].map(([f, b]) => [f, `${b.length}:${createHash('sha256').update(b).digest('hex')}`]));
}
