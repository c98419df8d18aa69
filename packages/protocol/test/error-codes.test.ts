import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allErrorCodes } from '../src/index.js';

const root = join(import.meta.dirname, '../../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? sourceFiles(p) : /\.(ts|tsx)$/.test(e) ? [p] : [];
  });
}

describe('error codes', () => {
  const documented = new Set([...readFileSync(join(root, 'docs/errors.md'), 'utf8').matchAll(/`(ERR_[A-Z0-9_]*[A-Z0-9])`/g)].map((m) => m[1]!));

  it('docs/errors.md lists exactly the codes in the code', () => {
    expect([...documented].sort()).toEqual([...new Set(allErrorCodes)].sort());
  });

  it('codes are unique and follow ERR_<AREA>_<WHAT>', () => {
    expect(new Set(allErrorCodes).size).toBe(allErrorCodes.length);
    for (const c of allErrorCodes) expect(c).toMatch(/^ERR_(RELAY|PROXY|MLS|CLIENT|CLI)_[A-Z0-9_]+$/);
  });

  it('no source file uses a code that is not listed', () => {
    const known = new Set<string>(allErrorCodes);
    const foreign = new Set(['ERR_PARSE_ARGS_UNKNOWN_OPTION']); // Node's own, from util.parseArgs
    const unknown: string[] = [];
    for (const pkg of readdirSync(join(root, 'packages'))) {
      const src = join(root, 'packages', pkg, 'src');
      for (const f of sourceFiles(src)) {
        for (const c of readFileSync(f, 'utf8').match(/\bERR_[A-Z]+_[A-Z0-9_]*[A-Z0-9]\b/g) ?? []) {
          if (!known.has(c) && !foreign.has(c)) unknown.push(`${f}: ${c}`);
        }
      }
    }
    expect(unknown).toEqual([]);
  });
});
