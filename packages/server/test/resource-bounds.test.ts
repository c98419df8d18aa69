import Database from 'better-sqlite3';
import { join } from 'node:path';
import { Limits, RELAY_PROTOCOL_VERSION } from '@sealroom/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteRelayStore, defaultRelayLimits } from '../src/index.js';
import {
  blob,
  call,
  connectClient,
  connectSocket,
  hexId,
  logRecords,
  newIdentity,
  signAuth,
  sleep,
  startTestRelay,
  stopTestRelay,
  waitUntil,
  type AnyAck,
  type ClientSocket,
  type ConnectOptions,
  type TestClient,
  type TestRelay,
} from './helpers.js';
import { framedApp, framedCommit, framedWelcome } from './framed.js';

// Relay resource bounds (issue 8, security.md F7 / E2): each flood is limited with a typed answer or a
// disconnect, and an honest client keeps working meanwhile. The fetch flood with memory budgets is in
// fetch-flood.test.ts (it runs the relay in its own process to measure it).

const relays: TestRelay[] = [];
const sockets: { close(): void }[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  for (const r of relays.splice(0)) await stopTestRelay(r);
});

async function relayWith(limits: Partial<typeof defaultRelayLimits> = {}, extra: Parameters<typeof startTestRelay>[0] = {}) {
  const r = await startTestRelay({ ...extra, limits });
  relays.push(r);
  return r;
}
async function client(r: TestRelay, handle: string, opts: ConnectOptions = {}): Promise<TestClient> {
  const c = await connectClient(r.url, handle, newIdentity(), opts);
  sockets.push(c);
  return c;
}
/** hello + auth, answering the auth ack instead of throwing. */
async function login(url: string, handle: string, opts: ConnectOptions = {}): Promise<{ socket: ClientSocket; ack: AnyAck }> {
  const socket = await connectSocket(url, opts);
  sockets.push({ close: () => socket.disconnect() });
  const id = newIdentity();
  const hello = await call(socket, 'hello', { protocol: RELAY_PROTOCOL_VERSION });
  const ack = await call(socket, 'auth', {
    handle,
    identityKey: id.publicKey,
    signature: signAuth(id, hello.challenge as string, handle, url),
  });
  return { socket, ack };
}
function closed(s: ClientSocket): Promise<string> {
  return new Promise((resolve) => (s.disconnected ? resolve('already') : s.once('disconnect', (reason) => resolve(reason))));
}
const big = (kib: number, roomId: string, epoch = 0): string => framedApp(roomId, epoch, kib * 1024);
async function fill(c: TestClient, roomId: string, n: number, kib: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const res = await c.call('room.send', { roomId, epoch: 0, msgId: hexId(), kind: 'application', data: big(kib, roomId) });
    expect(res).toMatchObject({ ok: true });
  }
}

describe('room.fetch is paged by bytes as well as by count', () => {
  it('answers a short page within the byte budget, and lastSeq tells the reader to go on', async () => {
    const r = await relayWith();
    const eve = await client(r, 'eve');
    const roomId = hexId();
    await eve.call('room.create', { roomId, open: false });
    await fill(eve, roomId, 20, 160);
    const first = await eve.call('room.fetch', { roomId, after: 0, limit: Limits.fetchLimit });
    const pageBytes = JSON.stringify(first).length;
    expect(first.lastSeq).toBe(20);
    expect(first.entries.length).toBeGreaterThan(0);
    expect(first.entries.length).toBeLessThan(20);
    expect(pageBytes).toBeLessThanOrEqual(defaultRelayLimits.answerBytes);
    // A reader that fetches while it is behind lastSeq gets the whole log, gap-free, in order.
    const seqs: number[] = [];
    let after = 0;
    for (;;) {
      const page = await eve.call('room.fetch', { roomId, after, limit: Limits.fetchLimit });
      for (const e of page.entries as { seq: number }[]) seqs.push(e.seq);
      after = seqs.at(-1) ?? after;
      if (after >= page.lastSeq) break;
    }
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('always sends at least one entry, however small the budget', async () => {
    const r = await relayWith({ answerBytes: 1000 });
    const eve = await client(r, 'eve');
    const roomId = hexId();
    await eve.call('room.create', { roomId, open: false });
    await fill(eve, roomId, 3, 16);
    const page = await eve.call('room.fetch', { roomId, after: 0, limit: 10 });
    expect(page.entries.map((e: { seq: number }) => e.seq)).toEqual([1]);
    expect(page.lastSeq).toBe(3);
    const welcomes = await eve.call('welcome.list', {});
    expect(welcomes).toEqual({ ok: true, welcomes: [] });
  });
});

describe('answer bytes per account are paced', () => {
  it('delays a reader past answerBytesPerSecond, refuses a queue past maxAnswerWaitMs, and leaves other accounts alone', async () => {
    const r = await relayWith({ answerBytes: 256 * 1024, answerBytesPerSecond: 512 * 1024, maxAnswerWaitMs: 1500 });
    const eve = await client(r, 'eve');
    const bob = await client(r, 'bob');
    const roomId = hexId();
    await eve.call('room.create', { roomId, open: false });
    await fill(eve, roomId, 8, 120);
    const bobRoom = hexId();
    await bob.call('room.create', { roomId: bobRoom, open: false });
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 10 }, () => eve.call('room.fetch', { roomId, after: 0, limit: 500 })));
    const elapsed = performance.now() - started;
    // About three pages a second: the first go at once, later ones wait, the last ones (a wait over 1.5 s) are refused.
    expect(answers.filter((a) => a.ok).length).toBeGreaterThanOrEqual(3);
    expect(answers.filter((a) => a.code === 'ERR_RELAY_RATE_LIMITED').length).toBeGreaterThanOrEqual(1);
    expect(elapsed).toBeGreaterThan(700);
    const t = performance.now();
    expect(await bob.call('room.fetch', { roomId: bobRoom, after: 0, limit: 500 })).toMatchObject({ ok: true });
    expect(performance.now() - t).toBeLessThan(200);
  });
});

describe('send buffer', () => {
  it('disconnects a client that never reads once its buffer passes the limit; others are served', async () => {
    const r = await relayWith({ sendBufferBytes: 4 * 1024 * 1024 });
    const eve = await client(r, 'eve');
    const honest = await client(r, 'honest');
    const roomId = hexId();
    await eve.call('room.create', { roomId, open: false });
    await fill(eve, roomId, 16, 128);
    // Stop reading: the kernel's buffers fill, then the relay's. Requests still flow the other way.
    const engine = eve.socket.io.engine as unknown as { transport: { ws: { _socket: { pause(): void } } } };
    engine.transport.ws._socket.pause();
    const raw = eve.socket as unknown as { emit(ev: string, ...args: unknown[]): void };
    const started = Date.now();
    const overLimit = () => logRecords(r.logs).find((l) => l.msg === 'send buffer over limit');
    for (let i = 0; i < 120 && overLimit() === undefined; i++) {
      raw.emit('room.fetch', { roomId, after: 0, limit: Limits.fetchLimit }, () => undefined);
      await sleep(20);
    }
    await waitUntil(() => logRecords(r.logs).some((l) => l.msg === 'disconnect' && l.handle === 'eve'), 5000);
    expect(overLimit()).toMatchObject({ level: 'warn', handle: 'eve', bytes: expect.any(Number) as number, limit: 4194304, outcome: 'disconnect' });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await honest.call('rooms.mine', {})).toEqual({ ok: true, rooms: [] });
  });
});

describe('frames before login', () => {
  it('closes a pre-login connection whose frame passes the small limit; after login the full limit holds', async () => {
    const r = await relayWith();
    const s = await connectSocket(r.url);
    sockets.push({ close: () => s.disconnect() });
    const gone = closed(s);
    (s as unknown as { emit(ev: string, ...args: unknown[]): void }).emit('hello', { protocol: 1, pad: 'A'.repeat(64 * 1024) }, () => undefined);
    expect(await gone).toBe('transport close'); // ws refused the frame from its header (close code 1009)
    // Logged in, a 160 KiB message (a frame far over the pre-login limit) is fine.
    const alice = await client(r, 'alice');
    const roomId = hexId();
    await alice.call('room.create', { roomId, open: false });
    await fill(alice, roomId, 1, 160);
  });

  it('a flood of pre-login sockets with 5 MiB frames does not delay an honest login', async () => {
    const r = await relayWith();
    const flood = Array.from({ length: 40 }, async () => {
      const s = await connectSocket(r.url, { localAddress: '127.0.0.2' }).catch(() => null);
      if (s === null) return 'refused';
      sockets.push({ close: () => s.disconnect() });
      const gone = closed(s);
      (s as unknown as { emit(ev: string, ...args: unknown[]): void }).emit('hello', { protocol: 1, pad: 'A'.repeat(5 * 1024 * 1024 - 100) }, () => undefined);
      return gone;
    });
    const started = performance.now();
    const honest = await client(r, 'honest', { localAddress: '127.0.0.1' });
    expect(await honest.call('rooms.mine', {})).toEqual({ ok: true, rooms: [] });
    const loginMs = performance.now() - started;
    const outcomes = await Promise.all(flood);
    // Every flooder was refused at arrival or closed on its frame's header; none was left holding 5 MiB.
    expect(outcomes.filter((o) => o !== 'refused' && o !== 'transport close')).toEqual([]);
    // 0.1 kept the relay busy ~26 s and honest logins timed out. The 40 × 5 MiB frames are built and written
    // by this same process (sharing its event loop with the relay), so the bound leaves room for that work on a
    // loaded 2-core CI machine (seen: 1.1 s idle, 2.4 s loaded).
    expect(loginMs).toBeLessThan(5000);
  });
});

describe('connections per address and per account', () => {
  it('holds at most preLoginConnectionsPerIp unauthenticated sockets per address; others are unaffected', async () => {
    const r = await relayWith({ preLoginConnectionsPerIp: 3 });
    const held = await Promise.all([1, 2, 3].map(() => connectSocket(r.url, { localAddress: '127.0.0.2' })));
    for (const s of held) sockets.push({ close: () => s.disconnect() });
    const fourth = await connectSocket(r.url, { localAddress: '127.0.0.2' });
    sockets.push({ close: () => fourth.disconnect() });
    await closed(fourth);
    expect(logRecords(r.logs)).toContainEqual(
      expect.objectContaining({ level: 'warn', msg: 'connection refused', address: '127.0.0.2', reason: 'too-many-pre-login' }),
    );
    await client(r, 'honest'); // from 127.0.0.1
    // Logging in frees the slot.
    const id = newIdentity();
    const s0 = held[0] as ClientSocket;
    const hello = await call(s0, 'hello', { protocol: RELAY_PROTOCOL_VERSION });
    const auth = await call(s0, 'auth', { handle: 'held', identityKey: id.publicKey, signature: signAuth(id, hello.challenge as string, 'held', r.url) });
    expect(auth).toMatchObject({ ok: true });
    const again = await connectSocket(r.url, { localAddress: '127.0.0.2' });
    sockets.push({ close: () => again.disconnect() });
    expect(await call(again, 'hello', { protocol: RELAY_PROTOCOL_VERSION })).toMatchObject({ ok: true });
  });

  it('refuses new connections from an address past its connect rate, at the HTTP upgrade', async () => {
    const r = await relayWith({ connectBurstPerIp: 5, connectsPerIpPerSecond: 1 });
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        connectSocket(r.url, { localAddress: '127.0.0.3' }).then(
          (s) => {
            sockets.push({ close: () => s.disconnect() });
            return 'ok';
          },
          () => 'refused',
        ),
      ),
    );
    expect(results.filter((x) => x === 'ok').length).toBe(5);
    expect(logRecords(r.logs)).toContainEqual(
      expect.objectContaining({ level: 'warn', msg: 'connection refused', address: '127.0.0.3', reason: 'connects per address' }),
    );
    await client(r, 'honest');
  });

  it('a newer login of the same account closes the oldest past connectionsPerAccount', async () => {
    const r = await relayWith({ connectionsPerAccount: 2 });
    const id = newIdentity();
    const a = await connectClient(r.url, 'multi', id);
    const b = await connectClient(r.url, 'multi', id);
    sockets.push(a, b);
    const aGone = closed(a.socket);
    const c = await connectClient(r.url, 'multi', id);
    sockets.push(c);
    expect(await aGone).toBe('io server disconnect');
    expect(b.socket.connected && c.socket.connected).toBe(true);
    expect(await c.call('rooms.mine', {})).toMatchObject({ ok: true });
  });
});

describe('accounts', () => {
  it('limits new accounts per address with ERR_RELAY_RATE_LIMITED; existing accounts and other addresses still log in', async () => {
    const r = await relayWith({ accountBurstPerIp: defaultRelayLimits.accountBurstPerIp });
    const acks: AnyAck[] = [];
    for (let i = 0; i < 30; i++) {
      const { socket, ack } = await login(r.url, `bulk-${i}`, { localAddress: '127.0.0.2' });
      acks.push(ack);
      socket.disconnect();
    }
    expect(acks.filter((a) => a.ok).length).toBe(defaultRelayLimits.accountBurstPerIp);
    expect(acks.slice(defaultRelayLimits.accountBurstPerIp).every((a) => a.code === 'ERR_RELAY_RATE_LIMITED')).toBe(true);
    // Another address registers; an existing account logs in from the limited one.
    expect((await login(r.url, 'newcomer', { localAddress: '127.0.0.1' })).ack).toMatchObject({ ok: true, registered: true });
    const id = newIdentity();
    await connectClient(r.url, 'bulk-0-again', id, { localAddress: '127.0.0.3' }).then((c) => sockets.push(c));
    const back = await connectClient(r.url, 'bulk-0-again', id, { localAddress: '127.0.0.2' });
    sockets.push(back);
    expect(await back.call('rooms.mine', {})).toMatchObject({ ok: true });
  });

  it('refuses reserved handles at registration with ERR_RELAY_HANDLE_RESERVED (configurable)', async () => {
    const r = await relayWith();
    for (const handle of ['admin', 'root', 'security', 'support', 'system', 'sealroom', 'sealroom-team', 'ad.min', 'administrator2']) {
      const { socket, ack } = await login(r.url, handle);
      expect(ack, handle).toMatchObject({ ok: false, code: 'ERR_RELAY_HANDLE_RESERVED' });
      socket.disconnect();
    }
    expect((await login(r.url, 'alice')).ack).toMatchObject({ ok: true });
    const custom = await relayWith({}, { reservedHandles: ['ceo', 'team*'] });
    expect((await login(custom.url, 'ceo')).ack).toMatchObject({ ok: false, code: 'ERR_RELAY_HANDLE_RESERVED' });
    expect((await login(custom.url, 'team-red')).ack).toMatchObject({ ok: false, code: 'ERR_RELAY_HANDLE_RESERVED' });
    expect((await login(custom.url, 'admin')).ack).toMatchObject({ ok: true });
  });

  it('bounds rooms created and log bytes stored per account with ERR_RELAY_QUOTA_EXCEEDED', async () => {
    const r = await relayWith({ roomsPerAccount: 3, logBytesPerAccount: 300 * 1024 });
    const eve = await client(r, 'eve');
    const bob = await client(r, 'bob');
    const rooms = [hexId(), hexId(), hexId(), hexId()];
    const created = [];
    for (const roomId of rooms) created.push(await eve.call('room.create', { roomId, open: false }));
    expect(created.slice(0, 3).every((c) => c.ok)).toBe(true);
    expect(created[3]).toMatchObject({ ok: false, code: 'ERR_RELAY_QUOTA_EXCEEDED' });
    const send = (c: TestClient, roomId: string) =>
      c.call('room.send', { roomId, epoch: 0, msgId: hexId(), kind: 'application', data: big(100, roomId) });
    const sent = [await send(eve, rooms[0]!), await send(eve, rooms[0]!), await send(eve, rooms[1]!), await send(eve, rooms[1]!)];
    expect(sent.map((s) => s.ok)).toEqual([true, true, true, false]);
    expect(sent[3]).toMatchObject({ code: 'ERR_RELAY_QUOTA_EXCEEDED' });
    // Quotas are per account: bob is unaffected.
    const bobRoom = hexId();
    expect(await bob.call('room.create', { roomId: bobRoom, open: false })).toMatchObject({ ok: true });
    expect(await send(bob, bobRoom)).toMatchObject({ ok: true });
  });

  it('stores one Welcome per commit, and bounds pending Welcomes per recipient', async () => {
    const r = await relayWith({ pendingWelcomesPerHandle: 2 });
    const eve = await client(r, 'eve');
    const invitees = Array.from({ length: 50 }, (_, i) => `inv-${i}`);
    const ids = new Map(invitees.map((h) => [h, newIdentity()]));
    for (const h of invitees) (await connectClient(r.url, h, ids.get(h))).close();
    const commit = (roomId: string, epoch: number, adds: string[]) =>
      eve.call('room.commit', { roomId, epoch, msgId: hexId(), commit: framedCommit(roomId, epoch, 100), welcome: framedWelcome(adds.length, 256 * 1024), adds, removes: [], external: false });
    const rooms = [hexId(), hexId(), hexId()];
    for (const roomId of rooms) await eve.call('room.create', { roomId, open: false });
    expect(await commit(rooms[0]!, 0, invitees)).toMatchObject({ ok: true });
    expect(await commit(rooms[1]!, 0, ['inv-0'])).toMatchObject({ ok: true });
    const third = await commit(rooms[2]!, 0, ['inv-1', 'inv-0']);
    expect(third).toMatchObject({ ok: false, code: 'ERR_RELAY_QUOTA_EXCEEDED' });
    expect(await eve.call('room.info', { roomId: rooms[2]! })).toMatchObject({ epoch: 0, lastSeq: 0 });
    const db = new Database(join(r.dataDir, 'relay.db'), { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM welcome_data').get()).toEqual({ n: 2 });
    expect(db.prepare('SELECT count(*) AS n FROM welcomes').get()).toEqual({ n: 51 });
    db.close();
    // Acknowledging frees a slot (and the last acknowledgement frees the stored copy).
    const inv0 = await connectClient(r.url, 'inv-0', ids.get('inv-0'));
    sockets.push(inv0);
    const listed = await inv0.call('welcome.list', {});
    expect(listed.welcomes).toHaveLength(2);
    for (const w of listed.welcomes as { id: number }[]) await inv0.call('welcome.ack', { id: w.id });
    expect(await commit(rooms[2]!, 0, ['inv-0'])).toMatchObject({ ok: true });
  });
});

describe('kp.claim', () => {
  it('hands out one-time packages at a bounded rate per target, then the last-resort one; claimers are rate-limited', async () => {
    const r = await relayWith({ oneTimeClaimBurstPerTarget: 5, claimBurst: 20 });
    const bob = await client(r, 'bob');
    const oneTime = Array.from({ length: 30 }, () => blob(64));
    const lastResort = blob(64);
    expect(await bob.call('kp.upload', { keyPackages: oneTime, lastResort })).toMatchObject({ ok: true, available: 30 });
    const eve = await client(r, 'eve');
    const claims: AnyAck[] = [];
    for (let i = 0; i < 25; i++) claims.push(await eve.call('kp.claim', { handle: 'bob' }));
    expect(claims.slice(0, 5).map((c) => c.keyPackage)).toEqual(oneTime.slice(0, 5));
    expect(claims.slice(5, 20).every((c) => c.keyPackage === lastResort)).toBe(true);
    expect(claims.slice(20).every((c) => c.code === 'ERR_RELAY_RATE_LIMITED')).toBe(true);
    // bob's one-time packages were not drained; an honest inviter still gets a usable package.
    expect(await bob.call('kp.count', {})).toEqual({ ok: true, available: 25, lastResort: true });
    const alice = await client(r, 'alice');
    expect(await alice.call('kp.claim', { handle: 'bob' })).toEqual({ ok: true, keyPackage: lastResort });
    // Unknown and exhausted (no last-resort package) handles get the same answer, also once over the rate.
    const carol = await client(r, 'carol');
    for (let i = 0; i < 7; i++) {
      const exhausted = await alice.call('kp.claim', { handle: 'carol' });
      const unknown = await alice.call('kp.claim', { handle: 'nobody' });
      expect(exhausted).toMatchObject({ ok: false, code: 'ERR_RELAY_NO_KEY_PACKAGE' });
      expect({ ...unknown, message: unknown.message?.replace('nobody', 'carol') }).toEqual(exhausted);
    }
    carol.close();
  });
});

describe('a handler error never takes the process down', () => {
  it('survives a store that rejects and throws, and a log sink that throws', async () => {
    const store = new SqliteRelayStore(':memory:');
    store.getRoom = () => Promise.reject(new Error('async failure')) as never;
    store.listWelcomes = () => {
      throw new Error('sync failure');
    };
    let calls = 0;
    const r = await startTestRelay({
      store,
      log: (line) => {
        calls++;
        if ('event' in (JSON.parse(line) as object)) throw new Error('log sink down');
      },
    });
    relays.push(r);
    const c = await client(r, 'victim');
    expect(await c.call('room.info', { roomId: hexId() })).toEqual({ ok: false, code: 'ERR_RELAY_INTERNAL' });
    expect(await c.call('welcome.list', {})).toEqual({ ok: false, code: 'ERR_RELAY_INTERNAL' });
    expect(await c.call('rooms.mine', {})).toEqual({ ok: true, rooms: [] });
    c.close();
    await sleep(50);
    expect(calls).toBeGreaterThan(3);
    store.close();
  });
});
