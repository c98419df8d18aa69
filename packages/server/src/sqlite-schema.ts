import type Database from 'better-sqlite3';

/**
 * Bumped with every schema change; a store upgrades an older database step by step and refuses a newer one
 * (an older relay would ignore tables it does not know, e.g. forget who is barred from a room).
 */
export const SQLITE_SCHEMA_VERSION = 3;

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

/**
 * Version 3: one stored Welcome per commit, not one per added handle (`welcome_data`, shared by the
 * recipients' rows, deleted with the last of them), and bytes stored per account (`account_usage`, for the
 * quota). The welcomes table is rebuilt with the same ids, and its AUTOINCREMENT high-water mark is carried
 * over so that an id a device has acknowledged is never handed out again.
 */
const v3 = `
CREATE TABLE welcome_data (
  id INTEGER PRIMARY KEY,
  room_id TEXT NOT NULL REFERENCES rooms(id),
  seq INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX welcome_data_by_room ON welcome_data (room_id);
INSERT INTO welcome_data (room_id, seq, data) SELECT room_id, seq, data FROM welcomes GROUP BY room_id, seq, data;
CREATE TABLE welcomes_v3 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  handle TEXT NOT NULL,
  room_id TEXT NOT NULL REFERENCES rooms(id),
  seq INTEGER NOT NULL,
  epoch INTEGER NOT NULL,
  data_id INTEGER NOT NULL REFERENCES welcome_data(id)
);
INSERT INTO welcomes_v3 (id, handle, room_id, seq, epoch, data_id)
  SELECT w.id, w.handle, w.room_id, w.seq, w.epoch, d.id FROM welcomes w
  JOIN welcome_data d ON d.room_id = w.room_id AND d.seq = w.seq AND d.data = w.data;
DELETE FROM sqlite_sequence WHERE name = 'welcomes_v3';
INSERT INTO sqlite_sequence (name, seq) SELECT 'welcomes_v3', seq FROM sqlite_sequence WHERE name = 'welcomes';
DROP TABLE welcomes;
ALTER TABLE welcomes_v3 RENAME TO welcomes;
CREATE INDEX welcomes_by_handle ON welcomes (handle, room_id);
CREATE INDEX welcomes_by_data ON welcomes (data_id);
CREATE TABLE account_usage (
  handle TEXT PRIMARY KEY,
  log_bytes INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO account_usage (handle, log_bytes) SELECT sender, sum(length(data)) FROM log GROUP BY sender;
CREATE INDEX rooms_by_creator ON rooms (created_by);
`;

/** `steps[i]` takes a database from version i to version i + 1. Exported for the migration tests. */
export const schemaSteps: readonly string[] = [v1, v2, v3];
const steps = schemaSteps;

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
