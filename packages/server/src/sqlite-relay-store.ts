import Database from 'better-sqlite3';
import type { Handle, LogEntry, MessageId, RoomId, RoomMembership, WelcomeEnvelope } from '@sealroom/protocol';
import {
  answerBytesOf,
  type AccountBinding,
  type AppendInput,
  type AppendResult,
  type CommitInput,
  type CommitResult,
  type CreateRoomResult,
  type KeyPackageCount,
  type KeyPackageUpload,
  type KeyPackageUploadResult,
  type NewRoom,
  type ReadBounds,
  type RelayStore,
  type RoomRecord,
} from './relay-store.js';
import { migrate } from './sqlite-schema.js';

type LogRow = {
  room_id: string;
  seq: number;
  kind: LogEntry['kind'];
  sender: string;
  epoch: number;
  msg_id: string;
  data: Buffer;
  time: number;
};
type WelcomeRow = { id: number; room_id: string; seq: number; epoch: number; data: Buffer };
type RoomRow = { id: string; open: number; epoch: number; last_seq: number; group_info: Buffer | null };

// Blobs arrive as canonical base64 (the relay checks) and are stored as bytes, so they round-trip exactly.
const bytes = (b64: string): Buffer => Buffer.from(b64, 'base64');
const b64 = (buf: Buffer): string => buf.toString('base64');
/** Characters of the base64 form of `n` bytes. */
const b64Chars = (n: number): number => Math.ceil(n / 3) * 4;

function toEntry(r: LogRow): LogEntry {
  return {
    roomId: r.room_id as RoomId,
    seq: r.seq,
    kind: r.kind,
    sender: r.sender as Handle,
    epoch: r.epoch,
    msgId: r.msg_id as MessageId,
    data: b64(r.data),
    time: r.time,
  };
}
function toWelcome(r: WelcomeRow): WelcomeEnvelope {
  return { id: r.id, roomId: r.room_id as RoomId, seq: r.seq, epoch: r.epoch, data: b64(r.data) };
}

/**
 * The key (seq or id) of the last item of a page that stays within `maxBytes` (always at least the first
 * item, so a reader progresses), or null for an empty page. `n` is each item's payload in bytes.
 */
function pageEnd(items: readonly { seq: number; n: number }[], maxBytes: number | undefined): number | null {
  let total = 0;
  let last: number | null = null;
  for (const { seq, n } of items) {
    total += answerBytesOf(b64Chars(n));
    if (last !== null && maxBytes !== undefined && total > maxBytes) break;
    last = seq;
  }
  return last;
}

/**
 * The embedded relay store: one SQLite file in WAL mode with synchronous=FULL, so a transaction that has
 * returned survives a crash or power loss ("nothing acknowledged is lost"). Pass ':memory:' for tests.
 */
export class SqliteRelayStore implements RelayStore {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();

  constructor(path: string) {
    this.#db = new Database(path);
    try {
      this.#db.pragma('journal_mode = WAL');
      // FULL: the WAL is fsynced at every commit, so an acknowledged write survives power loss, not just a crash.
      this.#db.pragma('synchronous = FULL');
      this.#db.pragma('foreign_keys = ON');
      this.#db.pragma('busy_timeout = 5000');
      migrate(this.#db);
    } catch (e) {
      this.#db.close();
      throw e;
    }
  }

  bindAccount(handle: Handle, identityKey: string): AccountBinding {
    const key = bytes(identityKey);
    return this.#db
      .transaction((): AccountBinding => {
        const row = this.#prepare('SELECT identity_key FROM accounts WHERE handle = ?').get(handle) as
          | { identity_key: Buffer }
          | undefined;
        if (row !== undefined) return row.identity_key.equals(key) ? 'matched' : 'taken';
        const insert = this.#prepare('INSERT INTO accounts (handle, identity_key, created_at) VALUES (?, ?, ?)');
        insert.run(handle, key, Date.now());
        return 'registered';
      })
      .immediate();
  }

  missingAccounts(handles: readonly Handle[]): Handle[] {
    const stmt = this.#prepare('SELECT 1 FROM accounts WHERE handle = ?');
    return handles.filter((h) => stmt.get(h) === undefined);
  }

  accountKeys(handles: readonly Handle[]): (string | null)[] {
    const stmt = this.#prepare('SELECT identity_key FROM accounts WHERE handle = ?');
    return handles.map((h) => {
      const row = stmt.get(h) as { identity_key: Buffer } | undefined;
      return row === undefined ? null : b64(row.identity_key);
    });
  }

  uploadKeyPackages(upload: KeyPackageUpload): KeyPackageUploadResult {
    return this.#db
      .transaction((): KeyPackageUploadResult => {
        const stored = this.#countOneTime(upload.handle);
        if (stored + upload.keyPackages.length > upload.maxStored) return { ok: false, reason: 'too-many' };
        const insert = this.#prepare('INSERT INTO key_packages (handle, data) VALUES (?, ?)');
        for (const kp of upload.keyPackages) insert.run(upload.handle, bytes(kp));
        if (upload.lastResort !== null) {
          this.#prepare(
            'INSERT INTO last_resort_key_packages (handle, data) VALUES (?, ?) ' +
              'ON CONFLICT (handle) DO UPDATE SET data = excluded.data',
          ).run(upload.handle, bytes(upload.lastResort));
        }
        return { ok: true, available: stored + upload.keyPackages.length };
      })
      .immediate();
  }

  countKeyPackages(handle: Handle): KeyPackageCount {
    const lastResort = this.#prepare('SELECT 1 FROM last_resort_key_packages WHERE handle = ?').get(handle);
    return { available: this.#countOneTime(handle), lastResort: lastResort !== undefined };
  }

  claimKeyPackage(handle: Handle, lastResortOnly = false): string | null {
    // One statement: the row is deleted as it is read, so a one-time package is handed out exactly once.
    const oneTime = lastResortOnly
      ? undefined
      : (this.#prepare(
          'DELETE FROM key_packages WHERE id = ' +
            '(SELECT id FROM key_packages WHERE handle = ? ORDER BY id LIMIT 1) RETURNING data',
        ).get(handle) as { data: Buffer } | undefined);
    if (oneTime !== undefined) return b64(oneTime.data);
    const lastResort = this.#prepare('SELECT data FROM last_resort_key_packages WHERE handle = ?').get(handle) as
      | { data: Buffer }
      | undefined;
    return lastResort === undefined ? null : b64(lastResort.data);
  }

  createRoom(room: NewRoom): CreateRoomResult {
    const t = Date.now();
    return this.#db
      .transaction((): CreateRoomResult => {
        if (room.maxCreatedByCreator !== undefined) {
          const { n } = this.#prepare('SELECT count(*) AS n FROM rooms WHERE created_by = ?').get(room.creator) as { n: number };
          if (n >= room.maxCreatedByCreator) {
            // A taken id is still answered as taken: the quota says nothing about other people's rooms.
            return this.#prepare('SELECT 1 FROM rooms WHERE id = ?').get(room.roomId) === undefined ? 'over-quota' : 'exists';
          }
        }
        const inserted = this.#prepare(
          'INSERT INTO rooms (id, open, epoch, last_seq, group_info, created_by, created_at) ' +
            'VALUES (?, ?, 0, 0, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
        ).run(room.roomId, room.open ? 1 : 0, room.groupInfo === null ? null : bytes(room.groupInfo), room.creator, t);
        if (inserted.changes === 0) return 'exists';
        this.#prepare('INSERT INTO routing (room_id, handle) VALUES (?, ?)').run(room.roomId, room.creator);
        return 'created';
      })
      .immediate();
  }

  getRoom(roomId: RoomId): RoomRecord | null {
    const r = this.#prepare('SELECT id, open, epoch, last_seq, group_info FROM rooms WHERE id = ?').get(roomId) as
      | RoomRow
      | undefined;
    if (r === undefined) return null;
    return {
      roomId: r.id as RoomId,
      open: r.open === 1,
      epoch: r.epoch,
      lastSeq: r.last_seq,
      groupInfo: r.group_info === null ? null : b64(r.group_info),
    };
  }

  isRouted(roomId: RoomId, handle: Handle): boolean {
    return this.#prepare('SELECT 1 FROM routing WHERE room_id = ? AND handle = ?').get(roomId, handle) !== undefined;
  }

  routedHandles(roomId: RoomId): Handle[] {
    const rows = this.#prepare('SELECT handle FROM routing WHERE room_id = ? ORDER BY handle').all(roomId) as {
      handle: Handle;
    }[];
    return rows.map((r) => r.handle);
  }

  removeRouting(roomId: RoomId, handle: Handle): void {
    this.#db.transaction(() => this.#unroute(roomId, handle)).immediate();
  }

  roomsOf(handle: Handle): RoomMembership[] {
    const rows = this.#prepare(
      'SELECT r.id, r.open, r.epoch, r.last_seq FROM routing x JOIN rooms r ON r.id = x.room_id ' +
        'WHERE x.handle = ? ORDER BY r.id',
    ).all(handle) as Omit<RoomRow, 'group_info'>[];
    return rows.map((r) => ({ roomId: r.id as RoomId, epoch: r.epoch, lastSeq: r.last_seq, open: r.open === 1 }));
  }

  findSeqByMsgId(roomId: RoomId, msgId: MessageId): number | null {
    const row = this.#prepare('SELECT seq FROM log WHERE room_id = ? AND msg_id = ?').get(roomId, msgId) as
      | { seq: number }
      | undefined;
    return row === undefined ? null : row.seq;
  }

  departureSeq(roomId: RoomId, handle: Handle): number | null {
    const row = this.#prepare('SELECT last_seq FROM departures WHERE room_id = ? AND handle = ?').get(roomId, handle) as
      | { last_seq: number }
      | undefined;
    return row === undefined ? null : row.last_seq;
  }

  isBanned(roomId: RoomId, handle: Handle): boolean {
    return this.#prepare('SELECT 1 FROM bans WHERE room_id = ? AND handle = ?').get(roomId, handle) !== undefined;
  }

  commit(input: CommitInput): CommitResult {
    const bans = input.bans ?? [];
    if (bans.some((h) => !input.removes.includes(h))) throw new Error('commit: every ban must be a remove');
    return this.#db
      .transaction((): CommitResult => {
        const duplicate = this.findSeqByMsgId(input.roomId, input.msgId);
        if (duplicate !== null) return { status: 'duplicate', seq: duplicate };
        const welcomeBytes = input.welcome === null ? 0 : bytes(input.welcome).length;
        const stored = bytes(input.data).length + welcomeBytes;
        if (!this.#usageAllows(input.sender, stored, input.maxSenderBytes)) {
          return { status: 'over-quota', quota: 'log-bytes' };
        }
        if (input.welcome !== null && input.maxPendingWelcomes !== undefined) {
          const pending = this.#prepare('SELECT count(*) AS n FROM welcomes WHERE handle = ?');
          const max = input.maxPendingWelcomes;
          if (input.adds.some((h) => (pending.get(h) as { n: number }).n >= max)) return { status: 'over-quota', quota: 'pending-welcomes' };
        }
        // RFC 9420 §14: exactly one commit per epoch. The compare-and-set is the whole ordering protocol.
        const advanced = this.#prepare(
          'UPDATE rooms SET epoch = epoch + 1, last_seq = last_seq + 1, group_info = coalesce(?, group_info) ' +
            'WHERE id = ? AND epoch = ? RETURNING last_seq',
        ).get(input.groupInfo === null ? null : bytes(input.groupInfo), input.roomId, input.epoch) as
          | { last_seq: number }
          | undefined;
        if (advanced === undefined) return { status: 'stale-epoch' };
        const entry = this.#insertEntry({ ...input, kind: 'commit', seq: advanced.last_seq });
        this.#addUsage(input.sender, stored);
        // Removes first: an external commit may remove the joiner's own stale leaf (resync) and re-add it.
        const depart = this.#prepare(
          'INSERT INTO departures (room_id, handle, last_seq) VALUES (?, ?, ?) ' +
            'ON CONFLICT(room_id, handle) DO UPDATE SET last_seq = excluded.last_seq',
        );
        for (const h of input.removes) {
          if (this.isRouted(input.roomId, h)) depart.run(input.roomId, h, entry.seq);
          this.#unroute(input.roomId, h);
        }
        const ban = this.#prepare(
          'INSERT INTO bans (room_id, handle, seq) VALUES (?, ?, ?) ON CONFLICT(room_id, handle) DO UPDATE SET seq = excluded.seq',
        );
        for (const h of bans) ban.run(input.roomId, h, entry.seq);
        const route = this.#prepare('INSERT INTO routing (room_id, handle) VALUES (?, ?) ON CONFLICT DO NOTHING');
        const arrive = this.#prepare('DELETE FROM departures WHERE room_id = ? AND handle = ?');
        const unban = this.#prepare('DELETE FROM bans WHERE room_id = ? AND handle = ?');
        for (const h of [...input.adds, ...(input.externalJoiner !== null ? [input.externalJoiner] : [])]) {
          route.run(input.roomId, h);
          arrive.run(input.roomId, h);
        }
        // An invitation by a member lifts a ban; an external join never does (a banned joiner is refused first).
        for (const h of input.adds) unban.run(input.roomId, h);
        const welcomes: { handle: Handle; welcome: WelcomeEnvelope }[] = [];
        if (input.welcome !== null && input.adds.length > 0) {
          // One copy of the Welcome for the commit; each recipient's row points at it.
          const { id: dataId } = this.#prepare(
            'INSERT INTO welcome_data (room_id, seq, data) VALUES (?, ?, ?) RETURNING id',
          ).get(input.roomId, entry.seq, bytes(input.welcome)) as { id: number };
          const insert = this.#prepare(
            'INSERT INTO welcomes (handle, room_id, seq, epoch, data_id) VALUES (?, ?, ?, ?, ?) RETURNING id',
          );
          for (const handle of new Set(input.adds)) {
            const { id } = insert.get(handle, input.roomId, entry.seq, input.epoch + 1, dataId) as { id: number };
            welcomes.push({
              handle,
              welcome: { id, roomId: input.roomId, seq: entry.seq, epoch: input.epoch + 1, data: input.welcome },
            });
          }
        }
        return { status: 'appended', entry, welcomes };
      })
      .immediate();
  }

  append(input: AppendInput): AppendResult {
    return this.#db
      .transaction((): AppendResult => {
        const duplicate = this.findSeqByMsgId(input.roomId, input.msgId);
        if (duplicate !== null) return { status: 'duplicate', seq: duplicate };
        const stored = bytes(input.data).length;
        if (!this.#usageAllows(input.sender, stored, input.maxSenderBytes)) {
          return { status: 'over-quota', quota: 'log-bytes' };
        }
        // Application messages and proposals are valid only in the epoch they were created in.
        const next = this.#prepare(
          'UPDATE rooms SET last_seq = last_seq + 1 WHERE id = ? AND epoch = ? RETURNING last_seq',
        ).get(input.roomId, input.epoch) as { last_seq: number } | undefined;
        if (next === undefined) return { status: 'stale-epoch' };
        const entry = this.#insertEntry({ ...input, seq: next.last_seq });
        this.#addUsage(input.sender, stored);
        return { status: 'appended', entry };
      })
      .immediate();
  }

  fetchEntries(roomId: RoomId, after: number, limit: number, bounds: ReadBounds = {}): LogEntry[] {
    const until = bounds.untilSeq ?? Number.MAX_SAFE_INTEGER;
    // Sizes first, without the blobs: the page ends where the byte budget does, and only its rows are read.
    const sizes = this.#prepare(
      'SELECT seq, length(data) AS n FROM log WHERE room_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?',
    ).all(roomId, after, until, limit) as { seq: number; n: number }[];
    const last = pageEnd(sizes, bounds.maxBytes);
    if (last === null) return [];
    const rows = this.#prepare(
      'SELECT room_id, seq, kind, sender, epoch, msg_id, data, time FROM log ' +
        'WHERE room_id = ? AND seq > ? AND seq <= ? ORDER BY seq',
    ).all(roomId, after, last) as LogRow[];
    return rows.map(toEntry);
  }

  hasPendingWelcome(handle: Handle, roomId: RoomId): boolean {
    return (
      this.#prepare('SELECT 1 FROM welcomes WHERE handle = ? AND room_id = ? LIMIT 1').get(handle, roomId) !==
      undefined
    );
  }

  listWelcomes(handle: Handle, bounds: ReadBounds = {}): WelcomeEnvelope[] {
    const sizes = this.#prepare(
      'SELECT w.id AS seq, length(d.data) AS n FROM welcomes w JOIN welcome_data d ON d.id = w.data_id ' +
        'WHERE w.handle = ? ORDER BY w.id',
    ).all(handle) as { seq: number; n: number }[];
    const last = pageEnd(sizes, bounds.maxBytes);
    if (last === null) return [];
    const rows = this.#prepare(
      'SELECT w.id, w.room_id, w.seq, w.epoch, d.data FROM welcomes w JOIN welcome_data d ON d.id = w.data_id ' +
        'WHERE w.handle = ? AND w.id <= ? ORDER BY w.id',
    ).all(handle, last) as WelcomeRow[];
    return rows.map(toWelcome);
  }

  deleteWelcome(handle: Handle, id: number): boolean {
    return this.#db
      .transaction((): boolean => {
        const row = this.#prepare('DELETE FROM welcomes WHERE id = ? AND handle = ? RETURNING data_id').get(id, handle) as
          | { data_id: number }
          | undefined;
        if (row === undefined) return false;
        this.#prepare('DELETE FROM welcome_data WHERE id = ? AND NOT EXISTS (SELECT 1 FROM welcomes WHERE data_id = ?)').run(
          row.data_id,
          row.data_id,
        );
        return true;
      })
      .immediate();
  }

  /** Bytes the handle has stored in logs and Welcomes (the `logBytesPerAccount` quota counts these). */
  storedBytes(handle: Handle): number {
    const row = this.#prepare('SELECT log_bytes FROM account_usage WHERE handle = ?').get(handle) as { log_bytes: number } | undefined;
    return row?.log_bytes ?? 0;
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  #prepare(sql: string): Database.Statement {
    let stmt = this.#statements.get(sql);
    if (stmt === undefined) {
      stmt = this.#db.prepare(sql);
      this.#statements.set(sql, stmt);
    }
    return stmt;
  }

  /** Unroutes a handle and drops its pending Welcomes to the room: they would only grant reading. */
  #unroute(roomId: RoomId, handle: Handle): void {
    this.#prepare('DELETE FROM routing WHERE room_id = ? AND handle = ?').run(roomId, handle);
    this.#prepare('DELETE FROM welcomes WHERE room_id = ? AND handle = ?').run(roomId, handle);
    this.#prepare(
      'DELETE FROM welcome_data WHERE room_id = ? AND NOT EXISTS (SELECT 1 FROM welcomes w WHERE w.data_id = welcome_data.id)',
    ).run(roomId);
  }

  /** False if storing `n` more bytes would take the handle past `max`. */
  #usageAllows(handle: Handle, n: number, max: number | undefined): boolean {
    return max === undefined || this.storedBytes(handle) + n <= max;
  }

  #addUsage(handle: Handle, n: number): void {
    this.#prepare(
      'INSERT INTO account_usage (handle, log_bytes) VALUES (?, ?) ON CONFLICT (handle) DO UPDATE SET log_bytes = log_bytes + excluded.log_bytes',
    ).run(handle, n);
  }

  #countOneTime(handle: Handle): number {
    const row = this.#prepare('SELECT count(*) AS n FROM key_packages WHERE handle = ?').get(handle) as { n: number };
    return row.n;
  }

  #insertEntry(e: Omit<LogEntry, 'data'> & { data: string }): LogEntry {
    this.#prepare(
      'INSERT INTO log (room_id, seq, kind, sender, epoch, msg_id, data, time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(e.roomId, e.seq, e.kind, e.sender, e.epoch, e.msgId, bytes(e.data), e.time);
    const { roomId, seq, kind, sender, epoch, msgId, data, time } = e;
    return { roomId, seq, kind, sender, epoch, msgId, data, time };
  }
}
