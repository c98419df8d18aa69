import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Handle, MessageId, RoomId } from '@sealroom/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SQLITE_SCHEMA_VERSION, SqliteRelayStore } from '../src/index.js';
import { schemaSteps } from '../src/sqlite-schema.js';
import { blob, hexId } from './helpers.js';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sealroom-store-'));
  path = join(dir, 'relay.db');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const h = (s: string): Handle => s as Handle;
const room = (): RoomId => hexId() as RoomId;
const msg = (): MessageId => hexId() as MessageId;

describe('SqliteRelayStore', () => {
  it('opens in WAL mode with a schema version, and refuses an unknown version', () => {
    const store = new SqliteRelayStore(path);
    store.close();
    const db = new Database(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('SELECT version FROM schema_version').all()).toEqual([{ version: SQLITE_SCHEMA_VERSION }]);
    db.prepare('UPDATE schema_version SET version = 99').run();
    db.close();
    expect(() => new SqliteRelayStore(path)).toThrow(/schema version 99/);
  });

  it('answers account keys in the order asked, byte-exact, null for unknown handles', () => {
    const store = new SqliteRelayStore(path);
    const k1 = blob(32);
    const k2 = blob(32);
    expect(store.bindAccount(h('alice'), k1)).toBe('registered');
    expect(store.bindAccount(h('bob'), k2)).toBe('registered');
    expect(store.accountKeys([h('bob'), h('zed'), h('alice'), h('bob')])).toEqual([k2, null, k1, k2]);
    expect(store.accountKeys([])).toEqual([]);
    store.close();
  });

  it('compare-and-sets the epoch: a stale commit changes nothing', () => {
    const store = new SqliteRelayStore(path);
    store.bindAccount(h('alice'), blob(32));
    store.bindAccount(h('bob'), blob(32));
    const roomId = room();
    expect(store.createRoom({ roomId, open: false, groupInfo: null, creator: h('alice') })).toBe('created');
    expect(store.createRoom({ roomId, open: true, groupInfo: blob(), creator: h('bob') })).toBe('exists');
    const base = { roomId, sender: h('alice'), time: 1, groupInfo: null, removes: [], bans: [], externalJoiner: null };
    const win = store.commit({ ...base, epoch: 0, msgId: msg(), data: blob(), welcome: blob(), adds: [h('bob')] });
    expect(win).toMatchObject({ status: 'appended', entry: { seq: 1, epoch: 0, kind: 'commit' } });
    const lose = store.commit({ ...base, epoch: 0, msgId: msg(), data: blob(), welcome: blob(), adds: [h('carol')] });
    expect(lose).toEqual({ status: 'stale-epoch' });
    expect(store.getRoom(roomId)).toMatchObject({ epoch: 1, lastSeq: 1 });
    expect(store.routedHandles(roomId)).toEqual(['alice', 'bob']);
    expect(store.listWelcomes(h('carol'))).toEqual([]);
    expect(store.fetchEntries(roomId, 0, 10)).toHaveLength(1);
    store.close();
  });

  it('round-trips every byte value', () => {
    const store = new SqliteRelayStore(':memory:');
    store.bindAccount(h('alice'), blob(32));
    const roomId = room();
    store.createRoom({ roomId, open: false, groupInfo: null, creator: h('alice') });
    const data = Buffer.from(Array.from({ length: 1024 }, (_, i) => (i * 7) % 256)).toString('base64');
    const res = store.append({ roomId, epoch: 0, msgId: msg(), kind: 'application', sender: h('alice'), data, time: 5 });
    expect(res.status).toBe('appended');
    expect(store.fetchEntries(roomId, 0, 1)[0]?.data).toBe(data);
    store.close();
  });

  it('keeps bans per room, durably, in the commit transaction; only an add lifts one', () => {
    let store = new SqliteRelayStore(path);
    for (const x of ['alice', 'bob', 'carol']) store.bindAccount(h(x), blob(32));
    const [r1, r2] = [room(), room()];
    for (const roomId of [r1, r2]) store.createRoom({ roomId, open: true, groupInfo: blob(), creator: h('alice') });
    const c = (roomId: RoomId, epoch: number, hints: { adds?: Handle[]; removes?: Handle[]; bans?: Handle[] }) =>
      store.commit({ roomId, epoch, msgId: msg(), sender: h('alice'), data: blob(), time: 1, groupInfo: blob(), welcome: null,
        adds: [], removes: [], externalJoiner: null, ...hints });
    c(r1, 0, { adds: [h('bob'), h('carol')] });
    // A programmer error throws before anything is written.
    expect(() => c(r1, 1, { removes: [h('bob')], bans: [h('carol')] })).toThrow(/every ban must be a remove/);
    expect(store.getRoom(r1)).toMatchObject({ epoch: 1 });
    // A stale commit bans no one.
    expect(c(r1, 0, { removes: [h('bob')], bans: [h('bob')] })).toEqual({ status: 'stale-epoch' });
    expect(store.isBanned(r1, h('bob'))).toBe(false);
    expect(c(r1, 1, { removes: [h('bob'), h('carol')], bans: [h('bob')] }).status).toBe('appended');
    expect([store.isBanned(r1, h('bob')), store.isBanned(r1, h('carol')), store.isBanned(r2, h('bob'))]).toEqual([true, false, false]);
    c(r1, 2, {});
    store.close();
    store = new SqliteRelayStore(path);
    expect(store.isBanned(r1, h('bob'))).toBe(true);
    expect(c(r1, 3, { adds: [h('bob')] }).status).toBe('appended');
    expect(store.isBanned(r1, h('bob'))).toBe(false);
    store.close();
  });

  /** A database as a relay of schema `version` left it, built from that version's own steps. */
  function oldDatabase(version: number, fill: (db: Database.Database) => void): void {
    const db = new Database(path);
    db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
    for (const step of schemaSteps.slice(0, version)) db.exec(step);
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(version);
    fill(db);
    db.close();
  }

  it('upgrades a version 1 database step by step, keeping its data', () => {
    const roomId = room();
    oldDatabase(1, (db) => {
      db.prepare('INSERT INTO accounts VALUES (?, ?, 1)').run('alice', Buffer.alloc(32, 1));
      db.prepare("INSERT INTO rooms VALUES (?, 0, 0, 0, NULL, 'alice', 1)").run(roomId);
      db.prepare("INSERT INTO routing VALUES (?, 'alice')").run(roomId);
    });
    const upgraded = new SqliteRelayStore(path);
    expect(upgraded.routedHandles(roomId)).toEqual(['alice']);
    expect(upgraded.isBanned(roomId, h('alice'))).toBe(false);
    upgraded.close();
    const check = new Database(path);
    expect(check.prepare('SELECT version FROM schema_version').all()).toEqual([{ version: SQLITE_SCHEMA_VERSION }]);
    check.close();
  });

  it('upgrades version 2 to one stored Welcome per commit, keeping ids, data and the id high-water mark', () => {
    const roomId = room();
    const welcome = Buffer.from(blob(1000), 'base64');
    const other = Buffer.from(blob(10), 'base64');
    oldDatabase(2, (db) => {
      db.prepare('INSERT INTO accounts VALUES (?, ?, 1)').run('alice', Buffer.alloc(32, 1));
      db.prepare("INSERT INTO rooms VALUES (?, 0, 2, 2, NULL, 'alice', 1)").run(roomId);
      db.prepare("INSERT INTO log VALUES (?, 1, 'commit', 'alice', 0, ?, ?, 1)").run(roomId, hexId(), Buffer.alloc(300));
      db.prepare("INSERT INTO log VALUES (?, 2, 'commit', 'alice', 1, ?, ?, 1)").run(roomId, hexId(), Buffer.alloc(200));
      const w = db.prepare('INSERT INTO welcomes (id, handle, room_id, seq, epoch, data) VALUES (?, ?, ?, ?, ?, ?)');
      // One commit added bob, carol and dan (three copies of one Welcome); a later one added erin.
      w.run(3, 'bob', roomId, 1, 1, welcome);
      w.run(4, 'carol', roomId, 1, 1, welcome);
      w.run(5, 'dan', roomId, 1, 1, welcome);
      w.run(9, 'erin', roomId, 2, 2, other);
      db.prepare('DELETE FROM welcomes WHERE id = 9').run(); // acknowledged: id 9 must never come back
      w.run(6, 'fay', roomId, 2, 2, other);
    });
    const store = new SqliteRelayStore(path);
    expect(store.listWelcomes(h('carol'))).toEqual([{ id: 4, roomId, seq: 1, epoch: 1, data: welcome.toString('base64') }]);
    expect(store.listWelcomes(h('fay'))).toEqual([{ id: 6, roomId, seq: 2, epoch: 2, data: other.toString('base64') }]);
    expect(store.storedBytes(h('alice'))).toBe(500);
    expect(store.deleteWelcome(h('bob'), 3)).toBe(true);
    store.close();
    const db = new Database(path);
    expect(db.prepare('SELECT count(*) AS n FROM welcome_data').get()).toEqual({ n: 2 });
    db.close();
    const again = new SqliteRelayStore(path);
    const added = again.commit({
      roomId, epoch: 2, msgId: msg(), sender: h('alice'), data: blob(), time: 1, groupInfo: null,
      welcome: blob(), adds: [h('gus')], removes: [], externalJoiner: null,
    });
    expect(added.status === 'appended' && added.welcomes[0]?.welcome.id).toBe(10);
    again.close();
  });
});
