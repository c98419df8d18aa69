/**
 * The store's files at rest (docs/security.md "At rest"): modes whether or not the directory existed,
 * the upgrade of a 0.1 directory (clear database + master.key) to an encrypted one and then to a
 * passphrase, and a damaged or missing key.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ContactRecord, RoomRecord } from '@sealroom/client';
import { SealedBox, SqliteClientStore } from '@sealroom/proxy';
import { tempDir } from '../../../e2e/harness.js';
import { describeLeaks, findLeaks } from '../../../e2e/security/leak-search.js';
import { readPassphrase } from '../src/passphrase-source.js';
import { filesOf, modesOf, privateModes, snapshot } from './at-rest-files.js';

// Cheap scrypt for these store-level tests; the real cost (2^17) runs in at-rest-passphrase.test.ts.
const kdf = { name: 'scrypt', logN: 14, r: 8, p: 1 } as const;
const PASS = 'tr0ub4dor&3';
const room = (roomId: string): RoomRecord => ({
  roomId,
  name: 'ROOMNAME-store-test',
  open: false,
  status: 'active',
  epoch: 0,
  lastSeq: 0,
  group: new Uint8Array([1, 2, 3]),
  pendingCommit: null,
  pendingLeaves: [],
  removed: [],
});
const contact = (handle: string): ContactRecord => ({ handle, identityKey: randomBytes(32), firstSeen: 1, state: 'new', verifiedAt: null, pendingKey: null });

describe('SqliteClientStore files at rest', () => {
  const dirs: { cleanup(): void }[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) d.cleanup();
  });
  const fresh = () => {
    const t = tempDir('store-rest');
    dirs.push(t);
    return t.dir;
  };

  for (const passphrase of [undefined, PASS]) {
    for (const existed of [true, false]) {
      it(`makes the directory 0700 and every file 0600 (${passphrase ? 'passphrase' : 'no passphrase'}, directory ${existed ? 'existed 0755' : 'new'})`, async () => {
        const dir = join(fresh(), 'proxy');
        if (existed) {
          mkdirSync(dir);
          chmodSync(dir, 0o755);
        }
        const s = new SqliteClientStore(dir, { passphrase, kdf });
        try {
          await s.writeRoom({ room: room('a'.repeat(32)), contacts: [{ next: contact('carol-contact'), prev: null }] });
          // While open: -wal and -shm exist and must be private too.
          expect(Object.keys(modesOf(dir))).toEqual(expect.arrayContaining(['proxy.db', 'proxy.db-wal', 'proxy.db-shm']));
          expect(modesOf(dir)).toEqual(privateModes(dir));
        } finally {
          await s.close();
        }
        expect(modesOf(dir)).toEqual(privateModes(dir));
        expect(existsSync(join(dir, 'master.key'))).toBe(passphrase === undefined);
        expect(existsSync(join(dir, 'store-key.json'))).toBe(passphrase !== undefined);
      });
    }
  }

  it('encrypts a 0.1 directory in place, then moves its key under a passphrase; the data reads back each time', async () => {
    const dir = fresh();
    chmodSync(dir, 0o755);
    // A 0.1 directory: master.key and a clear proxy.db whose ids and handles are readable, both 0644.
    const master = randomBytes(32);
    writeFileSync(join(dir, 'master.key'), master, { mode: 0o644 });
    const box = new SealedBox(master);
    const roomId = 'b'.repeat(32);
    const old = new Database(join(dir, 'proxy.db'));
    old.pragma('journal_mode = WAL');
    old.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL); CREATE TABLE contacts (handle TEXT PRIMARY KEY, body BLOB NOT NULL)');
    old.exec('CREATE TABLE rooms (room_id TEXT PRIMARY KEY, record BLOB NOT NULL)');
    old.prepare('INSERT INTO meta VALUES (?, ?)').run('identity', box.seal(Buffer.from('{"old":"identity"}'), 'meta:identity'));
    const c = contact('carol-contact');
    old.prepare('INSERT INTO contacts VALUES (?, ?)').run(c.handle, box.sealJson({ ...c, identityKey: Buffer.from(c.identityKey).toString('base64') }, `contact:${c.handle}`));
    const r = room(roomId);
    old.prepare('INSERT INTO rooms VALUES (?, ?)').run(roomId, box.sealJson({ ...r, group: 'AQID' }, `room:${roomId}`));
    old.close();
    chmodSync(join(dir, 'proxy.db'), 0o644);
    expect(findLeaks(roomId, Object.fromEntries(filesOf(dir)))).not.toEqual([]); // the 0.1 leak this fixes

    const readBack = async (s: SqliteClientStore) => {
      expect(await s.getIdentity()).toBe('{"old":"identity"}');
      expect((await s.listContacts()).map((x) => x.handle)).toEqual(['carol-contact']);
      expect((await s.getRoom(roomId))?.name).toBe('ROOMNAME-store-test');
    };
    let s = new SqliteClientStore(dir);
    await readBack(s);
    await s.close();
    expect(readFileSync(join(dir, 'proxy.db')).subarray(0, 15).toString('latin1')).not.toBe('SQLite format 3');
    expect(modesOf(dir)).toEqual(privateModes(dir));
    for (const secret of [roomId, 'carol-contact']) expect(describeLeaks(secret, findLeaks(secret, Object.fromEntries(filesOf(dir))))).toBe('');

    s = new SqliteClientStore(dir, { passphrase: PASS, kdf });
    await readBack(s);
    await s.close();
    expect(existsSync(join(dir, 'master.key'))).toBe(false);
    const leaks = findLeaks(master, Object.fromEntries(filesOf(dir)));
    expect(leaks, describeLeaks('store key', leaks)).toEqual([]);
    expect(() => new SqliteClientStore(dir)).toThrow(expect.objectContaining({ code: 'ERR_PROXY_PASSPHRASE_REQUIRED' }));
    s = new SqliteClientStore(dir, { passphrase: PASS });
    await readBack(s);
    await s.close();
  });

  it('repairs an interrupted upgrade: a master.key left beside store-key.json is deleted once the passphrase opens', async () => {
    const dir = fresh();
    const s = new SqliteClientStore(dir, { passphrase: PASS, kdf });
    await s.setIdentity('id');
    await s.close();
    writeFileSync(join(dir, 'master.key'), randomBytes(32), { mode: 0o600 });
    expect(() => new SqliteClientStore(dir, { passphrase: 'nope' })).toThrow(expect.objectContaining({ code: 'ERR_PROXY_BAD_PASSPHRASE' }));
    expect(existsSync(join(dir, 'master.key'))).toBe(true); // a failed open changes nothing
    const again = new SqliteClientStore(dir, { passphrase: PASS });
    expect(await again.getIdentity()).toBe('id');
    await again.close();
    expect(existsSync(join(dir, 'master.key'))).toBe(false);
  });

  it('tells a damaged or missing key apart from a wrong passphrase, and changes nothing', async () => {
    const dir = fresh();
    const s = new SqliteClientStore(dir, { passphrase: PASS, kdf });
    await s.setIdentity('id');
    await s.close();
    const header = readFileSync(join(dir, 'store-key.json'), 'utf8');
    // Other KDF parameters derive another key: the same answer as a wrong passphrase, no oracle.
    writeFileSync(join(dir, 'store-key.json'), header.replace('"logN": 14', '"logN": 15'));
    expect(() => new SqliteClientStore(dir, { passphrase: PASS })).toThrow(expect.objectContaining({ code: 'ERR_PROXY_BAD_PASSPHRASE' }));
    // A cost outside the bounds is refused before any scrypt runs.
    writeFileSync(join(dir, 'store-key.json'), header.replace('"logN": 14', '"logN": 30'));
    const before = snapshot(dir);
    expect(() => new SqliteClientStore(dir, { passphrase: PASS })).toThrow(expect.objectContaining({ code: 'ERR_PROXY_BAD_STORE_KEY' }));
    expect(snapshot(dir)).toEqual(before);
    writeFileSync(join(dir, 'store-key.json'), '{"version":1');
    expect(() => new SqliteClientStore(dir, { passphrase: PASS })).toThrow(expect.objectContaining({ code: 'ERR_PROXY_BAD_STORE_KEY' }));
    writeFileSync(join(dir, 'store-key.json'), header);
    const back = new SqliteClientStore(dir, { passphrase: PASS });
    expect(await back.getIdentity()).toBe('id');
    await back.close();

    // No key at all beside an existing database: refused, not a fresh key (which would orphan the data).
    unlinkSync(join(dir, 'store-key.json'));
    const keyless = snapshot(dir);
    expect(() => new SqliteClientStore(dir)).toThrow(expect.objectContaining({ code: 'ERR_PROXY_BAD_STORE_KEY' }));
    expect(() => new SqliteClientStore(dir, { passphrase: PASS, kdf })).toThrow(expect.objectContaining({ code: 'ERR_PROXY_BAD_STORE_KEY' }));
    expect(snapshot(dir)).toEqual(keyless);

    // A key that does not open the database (another directory's master.key).
    writeFileSync(join(dir, 'master.key'), randomBytes(32), { mode: 0o600 });
    expect(() => new SqliteClientStore(dir)).toThrow(expect.objectContaining({ code: 'ERR_PROXY_BAD_STORE_KEY' }));
    rmSync(join(dir, 'master.key'));
  });
});

describe('readPassphrase', () => {
  const t = tempDir('passphrase');
  afterEach(() => rmSync(join(t.dir, 'f'), { force: true }));
  afterAll(() => t.cleanup());
  const file = (text: string) => {
    writeFileSync(join(t.dir, 'f'), text, { mode: 0o600 });
    return join(t.dir, 'f');
  };

  it('takes the file without its one trailing newline, before the environment', () => {
    expect(readPassphrase({ file: file('pw one\n'), env: 'pw two' })).toBe('pw one');
    expect(readPassphrase({ file: file('pw\r\n') })).toBe('pw');
    expect(readPassphrase({ file: file(' spaced  \n\n') })).toBe(' spaced  \n');
    expect(readPassphrase({ env: 'pw two' })).toBe('pw two');
    expect(readPassphrase({ env: '' })).toBeUndefined();
    expect(readPassphrase({})).toBeUndefined();
  });

  it('refuses an empty or oversized passphrase file with ERR_PROXY_BAD_PASSPHRASE', () => {
    expect(() => readPassphrase({ file: file('\n') })).toThrow(expect.objectContaining({ code: 'ERR_PROXY_BAD_PASSPHRASE', message: 'the passphrase is empty' }));
    expect(() => readPassphrase({ file: file('x'.repeat(1025)) })).toThrow(expect.objectContaining({ code: 'ERR_PROXY_BAD_PASSPHRASE' }));
    expect(readPassphrase({ file: file('x'.repeat(1024)) })).toHaveLength(1024);
    expect(() => readPassphrase({ file: join(t.dir, 'missing') })).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});
