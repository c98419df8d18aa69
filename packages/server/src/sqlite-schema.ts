import type Database from 'better-sqlite3';

/** Bumped with every incompatible schema change; a store refuses a database newer than it knows. */
export const SQLITE_SCHEMA_VERSION = 1;

const ddl = `
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
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

/** Creates the tables if needed and checks the version (SQLite DDL is transactional). */
export function migrate(db: Database.Database): void {
  db.transaction(() => {
    db.exec(ddl);
    const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
    if (row === undefined) {
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(SQLITE_SCHEMA_VERSION);
    } else if (row.version !== SQLITE_SCHEMA_VERSION) {
      throw new Error(`relay database schema version ${row.version}, this relay knows ${SQLITE_SCHEMA_VERSION}`);
    }
  }).immediate();
}
