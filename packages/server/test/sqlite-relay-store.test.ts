import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Handle, MessageId, RoomId } from '@sealroom/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SQLITE_SCHEMA_VERSION, SqliteRelayStore } from '../src/index.js';
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
    expect(store.createRoom({ roomId, open: false, groupInfo: null, creator: h('alice') })).toBe(true);
    expect(store.createRoom({ roomId, open: true, groupInfo: blob(), creator: h('bob') })).toBe(false);
    const base = { roomId, sender: h('alice'), time: 1, groupInfo: null, removes: [], externalJoiner: null };
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
});
