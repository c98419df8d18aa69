import Database from 'better-sqlite3-multiple-ciphers';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { ClientErrorCode, ProxyErrorCode, SealroomError, fromBase64, toBase64, type ChatMessage, type SecurityEvent } from '@sealroom/protocol';
import {
  contactMatches,
  type ClientStore,
  type ContactRecord,
  type ContactWrite,
  type InvitationRecord,
  type NewSecurityEvent,
  type OutboxItem,
  type OwnKeyPackageRecord,
  type RoomRecord,
  type RoomWrite,
} from '@sealroom/client';
import { SealedBox } from './sealed-box.js';
import { STORE_KEY_FILE, type KdfParams } from './store-key-file.js';
import { databaseKey, PLAIN_KEY_FILE, unlockStoreKey } from './store-key.js';

type StoredContact = Omit<ContactRecord, 'identityKey' | 'pendingKey'> & { identityKey: string; pendingKey: string | null };
type StoredInvitation = Omit<InvitationRecord, 'group'> & { group: string };
type StoredRoom = Omit<RoomRecord, 'group' | 'pendingCommit'> & {
  group: string;
  pendingCommit: (Omit<NonNullable<RoomRecord['pendingCommit']>, 'newGroup'> & { newGroup: string }) | null;
};

const SCHEMA = `
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS key_packages (ref TEXT PRIMARY KEY, public BLOB NOT NULL, private BLOB NOT NULL, last_resort INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS pins (handle TEXT PRIMARY KEY, key BLOB NOT NULL, first_seen INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS rooms (room_id TEXT PRIMARY KEY, record BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS messages (room_id TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER, time INTEGER NOT NULL, body BLOB NOT NULL, PRIMARY KEY (room_id, id));
CREATE INDEX IF NOT EXISTS messages_order ON messages (room_id, seq, time);
CREATE TABLE IF NOT EXISTS outbox (msg_id TEXT PRIMARY KEY, room_id TEXT NOT NULL, body BLOB NOT NULL, created INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS contacts (handle TEXT PRIMARY KEY, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS invitations (room_id TEXT PRIMARY KEY, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY AUTOINCREMENT, body BLOB NOT NULL);
`;
const SCHEMA_VERSION = 2;

export type SqliteClientStoreOptions = {
  /** Protect the data directory with this passphrase (or unlock it); see unlockStoreKey. */
  passphrase?: string | undefined;
  /** scrypt cost for a newly protected directory (tests only); default DEFAULT_KDF. */
  kdf?: KdfParams | undefined;
};

const DB_FILE = 'proxy.db';
/** Every file this store creates in the data directory; each is made 0600 (SQLite gives -wal/-shm the db file's mode). */
const OWN_FILES = [DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`, `${DB_FILE}-journal`, PLAIN_KEY_FILE, STORE_KEY_FILE] as const;
const SQLITE_PLAIN_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

function isPlaintextSqlite(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(SQLITE_PLAIN_MAGIC.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(SQLITE_PLAIN_MAGIC);
  } finally {
    closeSync(fd);
  }
}

/**
 * Open `proxy.db` encrypted page by page (SQLCipher 4 format through SQLite3 Multiple Ciphers) under a raw
 * 256-bit key — no SQLCipher PBKDF2, the key is already derived. A 0.1 database in the clear is encrypted in
 * place on first open (PRAGMA rekey, which needs a rollback journal, not WAL).
 */
function openEncrypted(path: string, key: Buffer): Database.Database {
  // Created 0600 before SQLite sees it, so that SQLite creates -wal and -shm 0600 too (it copies the db's mode).
  if (!existsSync(path)) closeSync(openSync(path, 'wx', 0o600));
  chmodSync(path, 0o600);
  const plaintext = isPlaintextSqlite(path);
  const db = new Database(path);
  try {
    const hexKey = `"x'${key.toString('hex')}'"`;
    if (plaintext) db.pragma('journal_mode = DELETE');
    db.pragma("cipher = 'sqlcipher'");
    db.pragma('legacy = 4');
    db.pragma(`${plaintext ? 'rekey' : 'key'} = ${hexKey}`);
    // Temporary tables and sort spills stay in memory: SQLite3MC does not encrypt temp files.
    db.pragma('temp_store = MEMORY');
    try {
      db.prepare('SELECT count(*) FROM sqlite_master').get();
    } catch (e) {
      throw new SealroomError(ProxyErrorCode.BadStoreKey, `${DB_FILE} does not open with this directory's store key`, { cause: e });
    }
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/**
 * The proxy's ClientStore on SQLite, encrypted as a whole (SQLCipher 4 pages: AES-256-CBC + HMAC-SHA512,
 * via better-sqlite3-multiple-ciphers; WAL, synchronous=FULL), so ids, handles, names and times are not
 * readable either. Inside it, everything secret or private — identity key, key package private halves, MLS
 * state, message text, outbox, contacts — is also sealed per record with AES-256-GCM (see SealedBox), which
 * binds each record to its row. Both keys come from one store key: wrapped by the passphrase when there is
 * one, else in `master.key` beside the database (docs/security.md "At rest"). Each `writeRoom` is one
 * transaction.
 */
export class SqliteClientStore implements ClientStore {
  readonly #db: Database.Database;
  readonly #box: SealedBox;

  constructor(dataDir: string, opts: SqliteClientStoreOptions = {}) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // mkdir's mode does not apply to a directory that already existed (or under a loose umask).
    chmodSync(dataDir, 0o700);
    const dbPath = join(dataDir, DB_FILE);
    const storeKey = unlockStoreKey(dataDir, { passphrase: opts.passphrase, databaseExists: existsSync(dbPath), kdf: opts.kdf });
    this.#box = new SealedBox(storeKey);
    this.#db = openEncrypted(dbPath, databaseKey(storeKey));
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = FULL');
    this.#db.exec(SCHEMA);
    this.#migrate();
    // Files from 0.1 (or a copy) may be 0644; ours are 0600 whether or not they existed.
    for (const f of OWN_FILES) if (existsSync(join(dataDir, f))) chmodSync(join(dataDir, f), 0o600);
  }

  /** v1 → v2: the TOFU pins become contacts in state `new` (sealed like everything else). */
  #migrate(): void {
    const row = this.#db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
    if (row && row.version >= SCHEMA_VERSION) return;
    this.#db.transaction(() => {
      const pins = this.#db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'pins'").get();
      if (pins) {
        const rows = this.#db.prepare('SELECT handle, key, first_seen FROM pins').all() as { handle: string; key: Buffer; first_seen: number }[];
        this.#putContacts(rows.map((r) => ({ handle: r.handle, identityKey: r.key, firstSeen: r.first_seen, state: 'new', verifiedAt: null, pendingKey: null })));
        this.#db.exec('DROP TABLE pins');
      }
      this.#db.prepare('DELETE FROM schema_version').run();
      this.#db.prepare('INSERT INTO schema_version VALUES (?)').run(SCHEMA_VERSION);
    })();
  }

  async getIdentity(): Promise<string | null> {
    const r = this.#db.prepare('SELECT value FROM meta WHERE key = ?').get('identity') as { value: Buffer } | undefined;
    return r ? this.#box.open(r.value, 'meta:identity').toString('utf8') : null;
  }
  async setIdentity(encoded: string): Promise<void> {
    this.#db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('identity', this.#box.seal(Buffer.from(encoded), 'meta:identity'));
  }

  /** Compare-and-set every write (see ContactWrite), inside the caller's transaction: a mismatch throws, and the transaction rolls back. */
  #putContactWrites(writes: readonly ContactWrite[]): void {
    const get = this.#db.prepare('SELECT body FROM contacts WHERE handle = ?');
    for (const w of writes) {
      const r = get.get(w.next.handle) as { body: Buffer } | undefined;
      const stored = r ? this.#decodeContact(w.next.handle, r.body) : undefined;
      if (!contactMatches(stored, w.prev)) throw new SealroomError(ClientErrorCode.ContactConflict, `the contact ${w.next.handle} changed meanwhile`);
    }
    this.#putContacts(writes.map((w) => w.next));
  }
  #putContacts(contacts: readonly ContactRecord[]): void {
    const put = this.#db.prepare('INSERT INTO contacts (handle, body) VALUES (?, ?) ON CONFLICT(handle) DO UPDATE SET body = excluded.body');
    for (const c of contacts) {
      const stored: StoredContact = { ...c, identityKey: toBase64(c.identityKey), pendingKey: c.pendingKey ? toBase64(c.pendingKey) : null };
      put.run(c.handle, this.#box.sealJson(stored, `contact:${c.handle}`));
    }
  }
  #decodeContact(handle: string, body: Buffer): ContactRecord {
    const s = this.#box.openJson<StoredContact>(body, `contact:${handle}`);
    return { ...s, identityKey: fromBase64(s.identityKey), pendingKey: s.pendingKey ? fromBase64(s.pendingKey) : null };
  }
  async getContacts(handles: readonly string[]): Promise<Map<string, ContactRecord>> {
    const get = this.#db.prepare('SELECT body FROM contacts WHERE handle = ?');
    const out = new Map<string, ContactRecord>();
    for (const h of new Set(handles)) {
      const r = get.get(h) as { body: Buffer } | undefined;
      if (r) out.set(h, this.#decodeContact(h, r.body));
    }
    return out;
  }
  async listContacts(): Promise<ContactRecord[]> {
    const rows = this.#db.prepare('SELECT handle, body FROM contacts ORDER BY handle').all() as { handle: string; body: Buffer }[];
    return rows.map((r) => this.#decodeContact(r.handle, r.body));
  }
  async putContacts(contacts: ContactWrite[]): Promise<void> {
    this.#db.transaction(() => this.#putContactWrites(contacts))();
  }

  async putInvitation(inv: InvitationRecord): Promise<void> {
    const stored: StoredInvitation = { ...inv, group: toBase64(inv.group) };
    this.#db
      .prepare('INSERT INTO invitations (room_id, body) VALUES (?, ?) ON CONFLICT(room_id) DO UPDATE SET body = excluded.body')
      .run(inv.roomId, this.#box.sealJson(stored, `invitation:${inv.roomId}`));
  }
  #decodeInvitation(roomId: string, body: Buffer): InvitationRecord {
    const s = this.#box.openJson<StoredInvitation>(body, `invitation:${roomId}`);
    return { ...s, group: fromBase64(s.group) };
  }
  async getInvitation(roomId: string): Promise<InvitationRecord | null> {
    const r = this.#db.prepare('SELECT body FROM invitations WHERE room_id = ?').get(roomId) as { body: Buffer } | undefined;
    return r ? this.#decodeInvitation(roomId, r.body) : null;
  }
  async listInvitations(): Promise<InvitationRecord[]> {
    const rows = this.#db.prepare('SELECT room_id, body FROM invitations ORDER BY rowid').all() as { room_id: string; body: Buffer }[];
    return rows.map((r) => this.#decodeInvitation(r.room_id, r.body));
  }
  async deleteInvitation(roomId: string): Promise<void> {
    this.#db.prepare('DELETE FROM invitations WHERE room_id = ?').run(roomId);
  }

  async appendEvent(e: NewSecurityEvent): Promise<SecurityEvent> {
    return this.#db.transaction((): SecurityEvent => {
      const id = Number(this.#db.prepare("SELECT COALESCE(MAX(id), 0) + 1 AS id FROM events").pluck().get());
      const ev: SecurityEvent = { ...e, id, time: Date.now() };
      this.#db.prepare('INSERT INTO events (id, body) VALUES (?, ?)').run(id, this.#box.sealJson(ev, `event:${id}`));
      return ev;
    })();
  }
  async listEvents(after: number, limit: number): Promise<SecurityEvent[]> {
    const rows = (
      after === 0
        ? this.#db.prepare('SELECT id, body FROM (SELECT id, body FROM events ORDER BY id DESC LIMIT ?) ORDER BY id').all(limit)
        : this.#db.prepare('SELECT id, body FROM events WHERE id > ? ORDER BY id LIMIT ?').all(after, limit)
    ) as { id: number; body: Buffer }[];
    return rows.map((r) => this.#box.openJson<SecurityEvent>(r.body, `event:${r.id}`));
  }

  async putKeyPackages(kps: OwnKeyPackageRecord[]): Promise<void> {
    const ins = this.#db.prepare('INSERT OR REPLACE INTO key_packages (ref, public, private, last_resort) VALUES (?, ?, ?, ?)');
    this.#db.transaction(() => {
      if (kps.some((k) => k.lastResort)) this.#db.prepare('DELETE FROM key_packages WHERE last_resort = 1').run();
      for (const k of kps)
        ins.run(k.ref, Buffer.from(k.publicBytes), this.#box.seal(k.privateBytes, `kp:${k.ref}`), k.lastResort ? 1 : 0);
    })();
  }
  async getKeyPackage(ref: string): Promise<OwnKeyPackageRecord | null> {
    const r = this.#db.prepare('SELECT * FROM key_packages WHERE ref = ?').get(ref) as
      | { ref: string; public: Buffer; private: Buffer; last_resort: number }
      | undefined;
    if (!r) return null;
    return { ref: r.ref, publicBytes: r.public, privateBytes: this.#box.open(r.private, `kp:${r.ref}`), lastResort: r.last_resort === 1 };
  }
  async deleteKeyPackage(ref: string): Promise<void> {
    this.#db.prepare('DELETE FROM key_packages WHERE ref = ?').run(ref);
  }
  async hasLastResortKeyPackage(): Promise<boolean> {
    return !!this.#db.prepare('SELECT 1 FROM key_packages WHERE last_resort = 1').get();
  }

  #decodeRoom(roomId: string, blob: Buffer): RoomRecord {
    const s = this.#box.openJson<StoredRoom>(blob, `room:${roomId}`);
    return {
      ...s,
      // Rooms stored by 0.1 have no removed list.
      removed: (s as Partial<StoredRoom>).removed ?? [],
      group: fromBase64(s.group),
      pendingCommit: s.pendingCommit ? { ...s.pendingCommit, newGroup: fromBase64(s.pendingCommit.newGroup) } : null,
    };
  }
  #encodeRoom(r: RoomRecord): Buffer {
    const s: StoredRoom = {
      ...r,
      group: toBase64(r.group),
      pendingCommit: r.pendingCommit ? { ...r.pendingCommit, newGroup: toBase64(r.pendingCommit.newGroup) } : null,
    };
    return this.#box.sealJson(s, `room:${r.roomId}`);
  }

  async listRooms(): Promise<RoomRecord[]> {
    const rows = this.#db.prepare('SELECT room_id, record FROM rooms ORDER BY rowid').all() as { room_id: string; record: Buffer }[];
    return rows.map((r) => this.#decodeRoom(r.room_id, r.record));
  }
  async getRoom(roomId: string): Promise<RoomRecord | null> {
    const r = this.#db.prepare('SELECT record FROM rooms WHERE room_id = ?').get(roomId) as { record: Buffer } | undefined;
    return r ? this.#decodeRoom(roomId, r.record) : null;
  }

  async writeRoom(w: RoomWrite): Promise<void> {
    const room = w.room ? this.#encodeRoom(w.room) : null;
    const msgs = (w.messages ?? []).map((m) => ({ m, body: this.#box.sealJson(m, `msg:${m.roomId}:${m.id}`) }));
    const outs = (w.outboxPut ?? []).map((o) => ({ o, body: this.#box.sealJson(o, `outbox:${o.msgId}`) }));
    this.#db.transaction(() => {
      if (w.room && room)
        this.#db.prepare('INSERT INTO rooms (room_id, record) VALUES (?, ?) ON CONFLICT(room_id) DO UPDATE SET record = excluded.record').run(w.room.roomId, room);
      const upsertMsg = this.#db.prepare(
        'INSERT INTO messages (room_id, id, seq, time, body) VALUES (?, ?, ?, ?, ?) ON CONFLICT(room_id, id) DO UPDATE SET seq = excluded.seq, body = excluded.body',
      );
      for (const { m, body } of msgs) upsertMsg.run(m.roomId, m.id, m.seq, m.time, body);
      if (w.room && w.messagesDelete && w.messagesDelete.length > 0) {
        const del = this.#db.prepare('DELETE FROM messages WHERE room_id = ? AND id = ?');
        for (const id of w.messagesDelete) del.run(w.room.roomId, id);
      }
      const putOut = this.#db.prepare('INSERT OR REPLACE INTO outbox (msg_id, room_id, body, created) VALUES (?, ?, ?, ?)');
      for (const { o, body } of outs) putOut.run(o.msgId, o.roomId, body, Date.now());
      const delOut = this.#db.prepare('DELETE FROM outbox WHERE msg_id = ?');
      for (const id of w.outboxDelete ?? []) delOut.run(id);
      if (w.contacts && w.contacts.length > 0) this.#putContactWrites(w.contacts);
      if (w.invitationDelete !== undefined) this.#db.prepare('DELETE FROM invitations WHERE room_id = ?').run(w.invitationDelete);
    })();
  }

  async getMessage(roomId: string, id: string): Promise<ChatMessage | null> {
    const r = this.#db.prepare('SELECT body FROM messages WHERE room_id = ? AND id = ?').get(roomId, id) as { body: Buffer } | undefined;
    return r ? this.#box.openJson<ChatMessage>(r.body, `msg:${roomId}:${id}`) : null;
  }
  async listMessages(roomId: string, limit: number): Promise<ChatMessage[]> {
    // Timeline order: relay sequence, then unsent (seq NULL) by time — the newest `limit` of them.
    const rows = this.#db
      .prepare(
        'SELECT id, body FROM (SELECT id, body, seq, time FROM messages WHERE room_id = ? ORDER BY seq IS NULL DESC, seq DESC, time DESC LIMIT ?) ORDER BY seq IS NULL, seq, time',
      )
      .all(roomId, limit) as { id: string; body: Buffer }[];
    return rows.map((r) => this.#box.openJson<ChatMessage>(r.body, `msg:${roomId}:${r.id}`));
  }
  async getOutboxItem(roomId: string, msgId: string): Promise<OutboxItem | null> {
    const r = this.#db.prepare('SELECT body FROM outbox WHERE msg_id = ? AND room_id = ?').get(msgId, roomId) as { body: Buffer } | undefined;
    return r ? this.#box.openJson<OutboxItem>(r.body, `outbox:${msgId}`) : null;
  }

  async listOutbox(): Promise<OutboxItem[]> {
    const rows = this.#db.prepare('SELECT msg_id, body FROM outbox ORDER BY created').all() as { msg_id: string; body: Buffer }[];
    return rows.map((r) => this.#box.openJson<OutboxItem>(r.body, `outbox:${r.msg_id}`));
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}
