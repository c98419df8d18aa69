import { createRequire } from 'node:module';

/**
 * Counts what this process hands SQLite to write: the bound parameters of every statement run (strings in
 * UTF-8 bytes, blobs by length, numbers as 8). That is the proxy store's logical write volume per message
 * (the whole sealed room record when it is rewritten); page and WAL overhead come on top of it.
 */
export const writes = { bytes: 0, statements: 0 };

function sizeOf(v: unknown): number {
  if (typeof v === 'string') return Buffer.byteLength(v);
  if (v instanceof Uint8Array) return v.byteLength;
  if (typeof v === 'number' || typeof v === 'bigint') return 8;
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + sizeOf(x), 0);
  if (v !== null && typeof v === 'object') return Object.values(v).reduce((n: number, x) => n + sizeOf(x), 0);
  return 0;
}

type Statement = { run(...params: unknown[]): unknown; reader: boolean };
type DatabaseClass = { prototype: { prepare(this: unknown, sql: string): Statement } };

// The drivers the proxy's store may open its database with, resolved from packages/proxy as it resolves them.
const DRIVERS = ['better-sqlite3', 'better-sqlite3-multiple-ciphers'];
const patched = new Set<DatabaseClass>();

function meter(Database: DatabaseClass): void {
  if (patched.has(Database)) return;
  patched.add(Database);
  const prepare = Database.prototype.prepare;
  Database.prototype.prepare = function (this: unknown, sql: string): Statement {
    const stmt = prepare.call(this, sql);
    if (stmt.reader) return stmt;
    const run = stmt.run.bind(stmt);
    stmt.run = (...params: unknown[]) => {
      writes.bytes += sizeOf(params);
      writes.statements++;
      return run(...params);
    };
    return stmt;
  };
}

/** Wrap each driver's `Database.prototype.prepare`, before any store opens its database. */
export function installWriteMeter(): string[] {
  const require = createRequire(new URL('../../packages/proxy/package.json', import.meta.url));
  const found: string[] = [];
  for (const name of DRIVERS) {
    let mod: unknown;
    try {
      mod = require(name);
    } catch {
      continue;
    }
    meter(((mod as { default?: unknown }).default ?? mod) as DatabaseClass);
    found.push(name);
  }
  if (found.length === 0) throw new Error(`no SQLite driver found (${DRIVERS.join(', ')})`);
  return found;
}
