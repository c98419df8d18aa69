import Database from 'better-sqlite3';
import type { Handle, LogEntry, MessageId, RoomId, RoomMembership, WelcomeEnvelope } from '@sealroom/protocol';
import type {
  AccountBinding,
  AppendInput,
  AppendResult,
  CommitInput,
  CommitResult,
  KeyPackageCount,
  KeyPackageUpload,
  KeyPackageUploadResult,
  NewRoom,
  RelayStore,
  RoomRecord,
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

  claimKeyPackage(handle: Handle): string | null {
    // One statement: the row is deleted as it is read, so a one-time package is handed out exactly once.
    const oneTime = this.#prepare(
      'DELETE FROM key_packages WHERE id = ' +
        '(SELECT id FROM key_packages WHERE handle = ? ORDER BY id LIMIT 1) RETURNING data',
    ).get(handle) as { data: Buffer } | undefined;
    if (oneTime !== undefined) return b64(oneTime.data);
    const lastResort = this.#prepare('SELECT data FROM last_resort_key_packages WHERE handle = ?').get(handle) as
      | { data: Buffer }
      | undefined;
    return lastResort === undefined ? null : b64(lastResort.data);
  }

  createRoom(room: NewRoom): boolean {
    const t = Date.now();
    return this.#db
      .transaction((): boolean => {
        const inserted = this.#prepare(
          'INSERT INTO rooms (id, open, epoch, last_seq, group_info, created_by, created_at) ' +
            'VALUES (?, ?, 0, 0, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
        ).run(room.roomId, room.open ? 1 : 0, room.groupInfo === null ? null : bytes(room.groupInfo), room.creator, t);
        if (inserted.changes === 0) return false;
        this.#prepare('INSERT INTO routing (room_id, handle) VALUES (?, ?)').run(room.roomId, room.creator);
        return true;
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
        // RFC 9420 §14: exactly one commit per epoch. The compare-and-set is the whole ordering protocol.
        const advanced = this.#prepare(
          'UPDATE rooms SET epoch = epoch + 1, last_seq = last_seq + 1, group_info = coalesce(?, group_info) ' +
            'WHERE id = ? AND epoch = ? RETURNING last_seq',
        ).get(input.groupInfo === null ? null : bytes(input.groupInfo), input.roomId, input.epoch) as
          | { last_seq: number }
          | undefined;
        if (advanced === undefined) return { status: 'stale-epoch' };
        const entry = this.#insertEntry({ ...input, kind: 'commit', seq: advanced.last_seq });
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
        if (input.welcome !== null) {
          const data = bytes(input.welcome);
          const insert = this.#prepare(
            'INSERT INTO welcomes (handle, room_id, seq, epoch, data) VALUES (?, ?, ?, ?, ?) RETURNING id',
          );
          for (const handle of new Set(input.adds)) {
            const { id } = insert.get(handle, input.roomId, entry.seq, input.epoch + 1, data) as { id: number };
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
        // Application messages and proposals are valid only in the epoch they were created in.
        const next = this.#prepare(
          'UPDATE rooms SET last_seq = last_seq + 1 WHERE id = ? AND epoch = ? RETURNING last_seq',
        ).get(input.roomId, input.epoch) as { last_seq: number } | undefined;
        if (next === undefined) return { status: 'stale-epoch' };
        return { status: 'appended', entry: this.#insertEntry({ ...input, seq: next.last_seq }) };
      })
      .immediate();
  }

  fetchEntries(roomId: RoomId, after: number, limit: number): LogEntry[] {
    const rows = this.#prepare(
      'SELECT room_id, seq, kind, sender, epoch, msg_id, data, time FROM log ' +
        'WHERE room_id = ? AND seq > ? ORDER BY seq LIMIT ?',
    ).all(roomId, after, limit) as LogRow[];
    return rows.map(toEntry);
  }

  hasPendingWelcome(handle: Handle, roomId: RoomId): boolean {
    return (
      this.#prepare('SELECT 1 FROM welcomes WHERE handle = ? AND room_id = ? LIMIT 1').get(handle, roomId) !==
      undefined
    );
  }

  listWelcomes(handle: Handle): WelcomeEnvelope[] {
    const rows = this.#prepare('SELECT id, room_id, seq, epoch, data FROM welcomes WHERE handle = ? ORDER BY id')
      .all(handle) as WelcomeRow[];
    return rows.map(toWelcome);
  }

  deleteWelcome(handle: Handle, id: number): boolean {
    return this.#prepare('DELETE FROM welcomes WHERE id = ? AND handle = ?').run(id, handle).changes > 0;
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
