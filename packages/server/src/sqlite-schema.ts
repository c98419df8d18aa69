import type Database from 'better-sqlite3';

/**
 * Bumped with every schema change; a store upgrades an older database step by step and refuses a newer one
 * (an older relay would ignore tables it does not know, e.g. forget who is barred from a room).
 */
export const SQLITE_SCHEMA_VERSION = 2;

/** Version 1: accounts, key packages, rooms, routing, departures, the log and Welcomes. */
const v1 = `
CREATE TABLE IF NOT EXISTS accounts (
  handle TEXT PRIMARY KEY,
  identity_key BLOB NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS key_packages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  handle TEXT NOT NULL REFERENCES accounts(handle),
  data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS key_packages_by_handle ON key_packages (handle, id);
CREATE TABLE IF NOT EXISTS last_resort_key_packages (
  handle TEXT PRIMARY KEY REFERENCES accounts(handle),
  data BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rooms (
  id TEXT PRIMARY KEY,
  open INTEGER NOT NULL,
  epoch INTEGER NOT NULL,
  last_seq INTEGER NOT NULL,
  group_info BLOB,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS routing (
  room_id TEXT NOT NULL REFERENCES rooms(id),
  handle TEXT NOT NULL,
  PRIMARY KEY (room_id, handle)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS routing_by_handle ON routing (handle, room_id);
-- A member removed by a commit may still read the log up to and including that commit, so that it learns
-- from MLS itself that it was removed (even if it was offline at the time).
CREATE TABLE IF NOT EXISTS departures (
  room_id TEXT NOT NULL REFERENCES rooms(id),
  handle TEXT NOT NULL,
  last_seq INTEGER NOT NULL,
  PRIMARY KEY (room_id, handle)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS log (
  room_id TEXT NOT NULL REFERENCES rooms(id),
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  sender TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  msg_id TEXT NOT NULL,
  data BLOB NOT NULL,
  time INTEGER NOT NULL,
  PRIMARY KEY (room_id, seq),
  UNIQUE (room_id, msg_id)
);
CREATE TABLE IF NOT EXISTS welcomes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  handle TEXT NOT NULL,
  room_id TEXT NOT NULL REFERENCES rooms(id),
  seq INTEGER NOT NULL,
  epoch INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS welcomes_by_handle ON welcomes (handle, room_id);
`;

/**
 * Version 2: handles a member removed from a room (a commit's `bans`), barred from re-joining it by external
 * commit until a later commit adds them again. `seq` is the commit that removed them.
 */
const v2 = `
CREATE TABLE IF NOT EXISTS bans (
  room_id TEXT NOT NULL REFERENCES rooms(id),
  handle TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (room_id, handle)
) WITHOUT ROWID;
`;

/** `steps[i]` takes a database from version i to version i + 1. */
const steps: readonly string[] = [v1, v2];

/**
 * Creates the tables of a new database, or upgrades an older one step by step, and checks the version, in one
 * transaction (SQLite DDL is transactional: a failed upgrade leaves the database as it was).
 */
export function migrate(db: Database.Database): void {
  if (steps.length !== SQLITE_SCHEMA_VERSION) throw new Error('sqlite-schema: one step per schema version');
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
    const from = row?.version ?? 0;
    if (from > SQLITE_SCHEMA_VERSION || from < 0 || !Number.isInteger(from)) {
      throw new Error(`relay database schema version ${from}, this relay knows ${SQLITE_SCHEMA_VERSION}`);
    }
    for (const step of steps.slice(from)) db.exec(step);
    if (row === undefined) db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(SQLITE_SCHEMA_VERSION);
    else db.prepare('UPDATE schema_version SET version = ?').run(SQLITE_SCHEMA_VERSION);
  }).immediate();
}
