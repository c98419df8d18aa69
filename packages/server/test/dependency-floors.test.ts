import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// security.md E7: versions below these have published advisories (CVE-2024-38355, CVE-2023-31125,
// socket.io-parser unbounded attachments, CVE-2024-37890). Every copy in the lockfile must be at or above.
const FLOORS: Record<string, string> = { 'socket.io': '4.6.2', 'engine.io': '6.4.2', 'socket.io-parser': '4.2.6', ws: '8.17.1' };

const cmp = (a: string, b: string) => {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
};

describe('dependency floors in the lockfile', () => {
  const lock = JSON.parse(readFileSync(join(import.meta.dirname, '../../../package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string }>;
  };
  for (const [name, floor] of Object.entries(FLOORS)) {
    it(`${name} >= ${floor}`, () => {
      const copies = Object.entries(lock.packages).filter(([path]) => path.endsWith(`node_modules/${name}`));
      expect(copies.length).toBeGreaterThan(0);
      for (const [path, p] of copies) expect(cmp(p.version ?? '0.0.0', floor), `${path}@${p.version}`).toBeGreaterThanOrEqual(0);
    });
  }
  it('security dependencies are pinned exactly', () => {
    for (const pkg of ['mls', 'server', 'proxy', 'client']) {
      const deps = (JSON.parse(readFileSync(join(import.meta.dirname, `../../${pkg}/package.json`), 'utf8')) as { dependencies: Record<string, string> }).dependencies;
      for (const [name, range] of Object.entries(deps)) expect(range, `${pkg}: ${name}`).toMatch(/^\d+\.\d+\.\d+$/);
    }
  });
});
