import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeIdentity, generateIdentity } from '@sealroom/mls';
import { fromBase64, type ChatMessage } from '@sealroom/protocol';
import type { OutboxItem, RoomRecord } from '@sealroom/client';
import { SealedBox, SqliteClientStore, WebGuard } from '@sealroom/proxy';
import { tempDir } from '../../../e2e/harness.js';
import { databaseKey, unlockStoreKey } from '../src/store-key.js';
import { base64Needles, describeLeaks, findLeaks } from '../../../e2e/security/leak-search.js';
import type * as NodeCrypto from 'node:crypto';

// Count calls to timingSafeEqual so we can check the token compare never short-circuits on length.
const timing = vi.hoisted(() => ({ calls: [] as [number, number][] }));
vi.mock('node:crypto', async (importOriginal) => {
  const orig = await importOriginal<typeof NodeCrypto>();
  return {
    ...orig,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      timing.calls.push([a.byteLength, b.byteLength]);
      return orig.timingSafeEqual(a, b);
    },
  };
});

const PORT = 43117;

describe('leak-search helper (self-test, so the leak assertions can fail)', () => {
  it('finds a secret raw, UTF-16LE, base64 at every alignment and hex', () => {
    const secret = 'MARKER-selftest-0123456789';
    const raw = Buffer.from(secret);
    expect(findLeaks(secret, { h: Buffer.concat([Buffer.from('xx'), raw]) })[0]?.encoding).toBe('raw');
    expect(findLeaks(secret, { h: Buffer.from(`..${secret}..`, 'utf16le') }).map((l) => l.encoding)).toContain('utf16le');
    for (const pad of [0, 1, 2]) {
      const blob = Buffer.concat([randomBytes(pad), raw, randomBytes(5)]).toString('base64');
      const leaks = findLeaks(secret, { blob: `{"data":"${blob}"}` });
      expect(leaks.map((l) => l.encoding), `alignment ${pad}`).toContain('base64');
    }
    expect(findLeaks(secret, { h: raw.toString('hex') }).map((l) => l.encoding)).toContain('hex');
    expect(findLeaks(secret, { h: raw.toString('hex').toUpperCase() }).map((l) => l.encoding)).toContain('HEX');
    expect(findLeaks(secret, { h: randomBytes(4096) })).toEqual([]);
    expect(base64Needles(raw)).toHaveLength(3);
  });
});

describe('WebGuard: Host allowlist (D3, DNS rebinding)', () => {
  const g = new WebGuard(PORT);

  it('allows exactly the loopback names with this port', () => {
    for (const h of [`127.0.0.1:${PORT}`, `localhost:${PORT}`, `[::1]:${PORT}`, `LOCALHOST:${PORT}`, `LocalHost:${PORT}`])
      expect(g.hostAllowed(h), h).toBe(true);
  });

  it('refuses foreign, port-less, other-port and look-alike hosts', () => {
    const bad = [
      undefined,
      '',
      'attacker.test',
      `attacker.test:${PORT}`,
      '127.0.0.1',
      'localhost',
      `127.0.0.1:${PORT + 1}`,
      `localhost:${PORT}0`,
      `127.0.0.1:${PORT}.attacker.test`,
      `localhost.:${PORT}`,
      `localhost.attacker.test:${PORT}`,
      ` 127.0.0.1:${PORT}`,
      `127.0.0.1:${PORT} `,
      `0.0.0.0:${PORT}`,
      `127.0.0.2:${PORT}`,
      `[::ffff:127.0.0.1]:${PORT}`,
      `2130706433:${PORT}`,
      `user@127.0.0.1:${PORT}`,
    ];
    for (const h of bad) expect(g.hostAllowed(h), String(h)).toBe(false);
  });
});

describe('WebGuard: Origin allowlist (D2, cross-site WebSocket hijacking)', () => {
  const g = new WebGuard(PORT);

  it('allows our own origins, and a missing Origin (non-browser client, still needs the token)', () => {
    for (const o of [`http://127.0.0.1:${PORT}`, `http://localhost:${PORT}`, `http://[::1]:${PORT}`]) expect(g.originAllowed(o), o).toBe(true);
    expect(g.originAllowed(undefined)).toBe(true);
  });

  it('refuses foreign origins, the "null" origin, other schemes and ports, and near misses', () => {
    const bad = [
      'http://evil.test',
      `http://evil.test:${PORT}`,
      'null',
      'NULL',
      '',
      `https://127.0.0.1:${PORT}`,
      `ws://127.0.0.1:${PORT}`,
      `http://127.0.0.1:${PORT + 1}`,
      'http://127.0.0.1',
      'http://localhost',
      `http://127.0.0.1:${PORT}/`,
      `http://127.0.0.1:${PORT}.evil.test`,
      `http://localhost.evil.test:${PORT}`,
      `http://evil.test/http://127.0.0.1:${PORT}`,
      `file://`,
      `http://127.0.0.1:${PORT} `,
      `HTTP://EVIL.TEST`,
    ];
    for (const o of bad) expect(g.originAllowed(o), o).toBe(false);
  });

  it('is an exact, case-sensitive match: upper-case variants are not accepted (browsers always send lower case)', () => {
    expect(g.originAllowed(`HTTP://127.0.0.1:${PORT}`)).toBe(false);
    expect(g.originAllowed(`http://LOCALHOST:${PORT}`)).toBe(false);
  });

  it('refuses a repeated Origin header (array), even when every entry is allowed', () => {
    expect(g.originAllowed([`http://127.0.0.1:${PORT}`])).toBe(false);
    expect(g.originAllowed([`http://127.0.0.1:${PORT}`, `http://127.0.0.1:${PORT}`])).toBe(false);
    expect(g.originAllowed(['http://evil.test', `http://127.0.0.1:${PORT}`])).toBe(false);
    expect(g.originAllowed([])).toBe(false);
  });

  it('requestAllowed needs both a good Host and a good Origin', () => {
    const req = (headers: Record<string, string | string[]>) => ({ headers }) as unknown as IncomingMessage;
    expect(g.requestAllowed(req({ host: `127.0.0.1:${PORT}`, origin: `http://127.0.0.1:${PORT}` }))).toBe(true);
    expect(g.requestAllowed(req({ host: `127.0.0.1:${PORT}` }))).toBe(true);
    expect(g.requestAllowed(req({ host: `attacker.test:${PORT}`, origin: `http://127.0.0.1:${PORT}` }))).toBe(false);
    expect(g.requestAllowed(req({ host: `127.0.0.1:${PORT}`, origin: 'http://evil.test' }))).toBe(false);
    expect(g.requestAllowed(req({ origin: `http://127.0.0.1:${PORT}` }))).toBe(false);
  });
});

describe('WebGuard: per-run CLI credential (D4)', () => {
  beforeEach(() => {
    timing.calls.length = 0;
  });

  it('defaults to 256 random bits, different per instance', () => {
    const a = new WebGuard(PORT);
    const b = new WebGuard(PORT);
    expect(a.credential).toMatch(/^[0-9a-f]{64}$/);
    expect(a.credential).not.toBe(b.credential);
    expect(a.credentialValid(a.credential)).toBe(true);
    expect(a.credentialValid(b.credential)).toBe(false); // a previous run's token
  });

  it('accepts exactly the token; refuses near misses, wrong lengths, empty and non-strings', () => {
    const g = new WebGuard(PORT);
    const t = g.credential;
    const flip = (t[0] === 'a' ? 'b' : 'a') + t.slice(1);
    const bad: unknown[] = [
      flip,
      t.slice(0, -1),
      `${t}0`,
      t.toUpperCase(),
      ` ${t}`,
      `${t}\0`,
      '',
      't',
      'x'.repeat(257),
      t.repeat(5),
      undefined,
      null,
      0,
      1,
      true,
      [t],
      { toString: () => t },
      Buffer.from(t),
      new String(t),
    ];
    expect(g.credentialValid(t)).toBe(true);
    for (const c of bad) expect(g.credentialValid(c), JSON.stringify(String(c)).slice(0, 40)).toBe(false);
  });

  it('compares fixed-length digests in constant time, whatever the candidate length', () => {
    const g = new WebGuard(PORT, 'fixed-test-token');
    expect(g.credentialValid('fixed-test-token')).toBe(true);
    expect(g.credentialValid('f')).toBe(false);
    expect(g.credentialValid('fixed-test-token-but-much-longer-than-the-real-one')).toBe(false);
    expect(g.credentialValid('fixed-test-tokeX')).toBe(false);
    // Every string candidate went through timingSafeEqual on equal-length buffers (no early exit on length).
    expect(timing.calls).toHaveLength(4);
    for (const [a, b] of timing.calls) expect(a).toBe(b);
  });

  it('uses an explicit credential when given one (tests only)', () => {
    const g = new WebGuard(PORT, 'abc123');
    expect(g.credential).toBe('abc123');
    expect(g.credentialValid('abc123')).toBe(true);
    expect(g.credentialValid('abc124')).toBe(false);
  });
});

describe('SealedBox (AES-256-GCM at rest)', () => {
  const key = randomBytes(32);
  const box = new SealedBox(key);
  const plain = Buffer.from('secret room state: MARKER-sealedbox');

  it('round-trips, with a fresh IV each time', () => {
    const a = box.seal(plain, 'room:1');
    const b = box.seal(plain, 'room:1');
    expect(a.equals(b)).toBe(false);
    expect(box.open(a, 'room:1').equals(plain)).toBe(true);
    expect(box.open(b, 'room:1').equals(plain)).toBe(true);
    expect(findLeaks('MARKER-sealedbox', { a, b })).toEqual([]);
    expect(box.openJson<{ x: number[] }>(box.sealJson({ x: [1, 2] }, 'j'), 'j')).toEqual({ x: [1, 2] });
    expect(box.open(box.seal(new Uint8Array(0), 'e'), 'e').length).toBe(0);
  });

  it('rejects a flip of any single byte (version, IV, ciphertext, tag)', () => {
    const sealed = box.seal(plain, 'room:1');
    for (let i = 0; i < sealed.length; i++) {
      const t = Buffer.from(sealed);
      t[i] = t[i]! ^ 0x01;
      expect(() => box.open(t, 'room:1'), `byte ${i}`).toThrow();
    }
  });

  it('rejects truncation and extension', () => {
    const sealed = box.seal(plain, 'room:1');
    expect(() => box.open(sealed.subarray(0, sealed.length - 1), 'room:1')).toThrow();
    expect(() => box.open(Buffer.concat([sealed, Buffer.of(0)]), 'room:1')).toThrow();
    expect(() => box.open(sealed.subarray(0, 10), 'room:1')).toThrow();
    expect(() => box.open(new Uint8Array(0), 'room:1')).toThrow();
  });

  it('rejects the wrong AAD (a record moved to another row)', () => {
    const sealed = box.seal(plain, 'room:1');
    expect(() => box.open(sealed, 'room:2')).toThrow();
    expect(() => box.open(sealed, '')).toThrow();
    expect(() => box.open(sealed, 'room:1 ')).toThrow();
  });

  it('rejects the wrong key', () => {
    const sealed = box.seal(plain, 'room:1');
    const other = Buffer.from(key);
    other[31] = other[31]! ^ 0x80;
    expect(() => new SealedBox(other).open(sealed, 'room:1')).toThrow();
    expect(() => new SealedBox(randomBytes(32)).open(sealed, 'room:1')).toThrow();
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => new SealedBox(randomBytes(16))).toThrow(RangeError);
    expect(() => new SealedBox(randomBytes(33))).toThrow(RangeError);
  });
});

const hex32 = () => randomBytes(16).toString('hex');

function roomRecord(roomId: string, name: string, epoch: number, group: Uint8Array): RoomRecord {
  return { roomId, name, open: false, status: 'active', epoch, lastSeq: epoch, group, pendingCommit: null, pendingLeaves: [], removed: [] };
}
function message(roomId: string, text: string, seq: number | null): ChatMessage {
  return { id: hex32(), roomId, sender: 'alice', text, time: Date.now(), seq, state: seq === null ? 'sending' : 'received', own: false };
}

/** The store's database opened behind its back, with its page key: for tampering with rows directly. */
function openRaw(dir: string): Database.Database {
  const key = databaseKey(unlockStoreKey(dir, { databaseExists: true }));
  const db = new Database(join(dir, 'proxy.db'));
  db.pragma("cipher = 'sqlcipher'");
  db.pragma('legacy = 4');
  db.pragma(`key = "x'${key.toString('hex')}'"`);
  return db;
}

describe('SqliteClientStore', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir('proxy-store');
  });
  afterEach(() => tmp.cleanup());

  it('writeRoom round-trips a room with its messages and outbox changes', async () => {
    const store = new SqliteClientStore(tmp.dir);
    try {
      const roomId = hex32();
      const group = randomBytes(500);
      const m1 = message(roomId, 'first', 1);
      const m2 = message(roomId, 'second', null);
      const out: OutboxItem = { roomId, msgId: m2.id, epoch: 3, data: randomBytes(40).toString('base64'), plain: '{"t":"second"}' };
      await store.writeRoom({ room: roomRecord(roomId, 'Lunch', 3, group), messages: [m1, m2], outboxPut: [out] });

      const got = await store.getRoom(roomId);
      expect(got).not.toBeNull();
      expect(Buffer.from(got!.group).equals(group)).toBe(true);
      expect({ ...got!, group: null }).toEqual({ ...roomRecord(roomId, 'Lunch', 3, group), group: null });
      expect(await store.getMessage(roomId, m1.id)).toEqual(m1);
      expect((await store.listMessages(roomId, 10)).map((m) => m.text)).toEqual(['first', 'second']);
      expect(await store.listOutbox()).toEqual([out]);

      // The next write updates the message (sending → sent) and deletes the outbox item, atomically.
      const sent = { ...m2, seq: 2, state: 'sent' as const };
      await store.writeRoom({ room: roomRecord(roomId, 'Lunch', 3, group), messages: [sent], outboxDelete: [m2.id] });
      expect(await store.getMessage(roomId, m2.id)).toEqual(sent);
      expect(await store.listOutbox()).toEqual([]);
      expect((await store.listRooms()).map((r) => r.roomId)).toEqual([roomId]);
    } finally {
      await store.close();
    }
  });

  it('writeRoom is all or nothing: a failing message insert leaves room, messages and outbox untouched', async () => {
    const store = new SqliteClientStore(tmp.dir);
    try {
      const roomId = hex32();
      const g1 = randomBytes(64);
      await store.writeRoom({ room: roomRecord(roomId, 'v1', 1, g1), messages: [message(roomId, 'kept', 1)] });

      const good = message(roomId, 'should not persist', 2);
      const broken = { ...message(roomId, 'broken', 3), time: null } as unknown as ChatMessage; // NOT NULL violation
      const out: OutboxItem = { roomId, msgId: good.id, epoch: 2, data: 'AAAA', plain: '{}' };
      await expect(
        store.writeRoom({ room: roomRecord(roomId, 'v2', 2, randomBytes(64)), messages: [good, broken], outboxPut: [out] }),
      ).rejects.toThrow();

      const after = await store.getRoom(roomId);
      expect(after?.name).toBe('v1');
      expect(after?.epoch).toBe(1);
      expect(Buffer.from(after!.group).equals(g1)).toBe(true);
      expect((await store.listMessages(roomId, 10)).map((m) => m.text)).toEqual(['kept']);
      expect(await store.listOutbox()).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('a sealed row copied onto another row fails authentication (AAD binds table and key)', async () => {
    const store = new SqliteClientStore(tmp.dir);
    const a = hex32();
    const b = hex32();
    try {
      await store.writeRoom({ room: roomRecord(a, 'room A', 1, randomBytes(32)) });
      await store.writeRoom({ room: roomRecord(b, 'room B', 1, randomBytes(32)) });
      const raw = openRaw(tmp.dir);
      try {
        const rec = raw.prepare('SELECT record FROM rooms WHERE room_id = ?').get(a) as { record: Buffer };
        raw.prepare('UPDATE rooms SET record = ? WHERE room_id = ?').run(rec.record, b);
      } finally {
        raw.close();
      }
      expect((await store.getRoom(a))?.name).toBe('room A'); // positive control
      await expect(store.getRoom(b)).rejects.toThrow();
    } finally {
      await store.close();
    }
  });

  it('keeps message text, room names, outbox plaintext and the identity private key out of the raw database files', async () => {
    const marker = `MARKER-${randomBytes(8).toString('hex')}`;
    const roomName = `ROOMNAME-${randomBytes(8).toString('hex')}`;
    const identity = await generateIdentity('alice');
    const encoded = encodeIdentity(identity);
    const signKey = fromBase64((JSON.parse(encoded) as { signKey: string }).signKey);
    expect(signKey.length).toBe(32);
    const roomId = hex32();

    const store = new SqliteClientStore(tmp.dir);
    const bobKey = randomBytes(32);
    try {
      await store.setIdentity(encoded);
      expect(await store.getIdentity()).toBe(encoded);
      // Contacts (and so who this device talks to, with their keys) are sealed too.
      await store.putContacts([{ next: { handle: 'bob', identityKey: bobKey, firstSeen: 1, state: 'verified', verifiedAt: 2, pendingKey: null }, prev: null }]);
      const kpPublic = randomBytes(64); // public: stored in the clear (positive control)
      const msgs = Array.from({ length: 5 }, (_, i) => message(roomId, `${marker} #${i}`, i + 1));
      await store.writeRoom({
        room: roomRecord(roomId, roomName, 1, randomBytes(200)),
        messages: msgs,
        outboxPut: [{ roomId, msgId: hex32(), epoch: 1, data: 'AAAA', plain: JSON.stringify({ text: marker }) }],
      });
      await store.putKeyPackages([{ ref: hex32(), publicBytes: kpPublic, privateBytes: signKey, lastResort: true }]);
      // Read everything while the WAL still holds the writes, then again after close (checkpointed).
      const files = () => {
        const out: Record<string, Buffer> = {};
        for (const f of readdirSync(tmp.dir)) if (f !== 'master.key') out[f] = readFileSync(join(tmp.dir, f));
        return out;
      };
      const live = files();
      expect(Object.keys(live)).toContain('proxy.db');
      for (const secret of [marker, roomName, signKey, bobKey]) {
        const leaks = findLeaks(secret, live);
        expect(leaks, describeLeaks(typeof secret === 'string' ? secret : 'key bytes', leaks)).toEqual([]);
      }
      // Ids and public key packages are no longer in the clear either (the whole file is SQLCipher pages)…
      expect(findLeaks(roomId, live)).toEqual([]);
      expect(findLeaks(kpPublic, live)).toEqual([]);
      // …while the database, opened with its key, does hold them (positive control for the search).
      const raw = openRaw(tmp.dir);
      try {
        expect(raw.prepare('SELECT room_id FROM rooms').pluck().all()).toEqual([roomId]);
      } finally {
        raw.close();
      }
    } finally {
      await store.close();
    }
    const closed: Record<string, Buffer> = {};
    for (const f of readdirSync(tmp.dir)) if (f !== 'master.key') closed[f] = readFileSync(join(tmp.dir, f));
    for (const secret of [marker, roomName, signKey]) {
      const leaks = findLeaks(secret, closed);
      expect(leaks, describeLeaks(typeof secret === 'string' ? secret : 'signKey', leaks)).toEqual([]);
    }
    expect(findLeaks(roomId, closed)).toEqual([]);

    // A fresh store on the same directory (same master.key) reads it all back.
    const again = new SqliteClientStore(tmp.dir);
    try {
      expect(await again.getIdentity()).toBe(encoded);
      expect((await again.getRoom(roomId))?.name).toBe(roomName);
      expect((await again.getContacts(['bob'])).get('bob')?.identityKey).toEqual(new Uint8Array(bobKey));
    } finally {
      await again.close();
    }
  });

  it('creates a missing data directory private to the user (0700)', async () => {
    const { statSync } = await import('node:fs');
    const dir = join(tmp.dir, 'nested', 'data');
    const store = new SqliteClientStore(dir);
    await store.close();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'master.key')).mode & 0o777).toBe(0o600);
  });

  it('master.key is 32 bytes, mode 0600, and another key opens nothing (ERR_PROXY_BAD_STORE_KEY)', async () => {
    const { statSync, writeFileSync } = await import('node:fs');
    const store = new SqliteClientStore(tmp.dir);
    const roomId = hex32();
    await store.writeRoom({ room: roomRecord(roomId, 'x', 1, randomBytes(8)) });
    await store.close();
    const keyPath = join(tmp.dir, 'master.key');
    expect(readFileSync(keyPath).length).toBe(32);
    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    writeFileSync(keyPath, randomBytes(32));
    expect(() => new SqliteClientStore(tmp.dir)).toThrow(expect.objectContaining({ code: 'ERR_PROXY_BAD_STORE_KEY' }));
  });
});
