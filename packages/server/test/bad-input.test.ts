import { Limits, RELAY_PROTOCOL_VERSION } from '@sealroom/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRelayStore } from '../src/index.js';
import {
  blob,
  call,
  connectClient,
  connectSocket,
  hexId,
  logRecords,
  sleep,
  startTestRelay,
  stopTestRelay,
  type ClientSocket,
  type TestClient,
  type TestRelay,
} from './helpers.js';
import { framedApp } from './framed.js';

let relay: TestRelay;
let alice: TestClient;
let roomId: string;
const protoNames = Object.getOwnPropertyNames(Object.prototype).sort();

beforeAll(async () => {
  relay = await startTestRelay();
  alice = await connectClient(relay.url, 'alice');
  roomId = hexId();
  await alice.call('room.create', { roomId, open: false });
});
afterAll(async () => {
  alice.close();
  await stopTestRelay(relay);
});

/** Writes a raw socket.io packet (without the engine.io "4" message prefix) on the client's connection. */
function rawSend(s: ClientSocket, packet: string): void {
  (s.io.engine as unknown as { send(data: string): void }).send(packet);
}
/** Collects raw socket.io packets the server sends on this connection. */
function rawInbox(s: ClientSocket): string[] {
  const inbox: string[] = [];
  (s.io.engine as unknown as { on(ev: string, fn: (d: unknown) => void): void }).on('message', (d) => inbox.push(String(d)));
  return inbox;
}
function disconnected(s: ClientSocket): Promise<string> {
  return new Promise((resolve) => {
    if (s.disconnected) resolve('already');
    else s.once('disconnect', (reason) => resolve(reason));
  });
}

/** The relay is alive and serving: a fresh client authenticates and an existing one is answered. */
async function expectAlive(): Promise<void> {
  expect(await alice.call('room.info', { roomId })).toMatchObject({ ok: true, epoch: 0 });
  const fresh = await connectClient(relay.url, `probe-${hexId().slice(0, 8)}`);
  expect(await fresh.call('rooms.mine', {})).toEqual({ ok: true, rooms: [] });
  fresh.close();
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoNames);
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
}

describe('E3 type confusion', () => {
  it('answers ERR_RELAY_BAD_REQUEST for wrong types, missing and extra fields', async () => {
    const cases: [string, unknown][] = [
      ['room.info', { roomId: 123 }],
      ['room.info', { roomId: roomId.toUpperCase() }],
      ['room.info', {}],
      ['room.info', { roomId, extra: 1 }],
      ['room.info', null],
      ['room.info', 'room'],
      ['room.info', [roomId]],
      ['room.info', 42],
      ['room.send', { roomId, epoch: -1, msgId: hexId(), kind: 'application', data: 'AAAA' }],
      ['room.send', { roomId, epoch: 1.5, msgId: hexId(), kind: 'application', data: 'AAAA' }],
      ['room.send', { roomId, epoch: '0', msgId: hexId(), kind: 'application', data: 'AAAA' }],
      ['room.send', { roomId, epoch: 0, msgId: hexId(), kind: 'commit', data: 'AAAA' }],
      ['room.send', { roomId, epoch: 0, msgId: hexId(), kind: 'application', data: { length: 4 } }],
      ['room.commit', { roomId, epoch: 0, msgId: hexId(), commit: 'AAAA', adds: 'bob', removes: [], external: false }],
      ['room.commit', { roomId, epoch: 0, msgId: hexId(), commit: 'AAAA', adds: [], removes: [], external: 'yes' }],
      ['kp.upload', { keyPackages: [1, 2] }],
      ['kp.count', { x: 1 }],
      ['kp.claim', { handle: 'Alice' }],
      ['kp.claim', { handle: 'al\ud800ce' }],
      ['welcome.ack', { id: 0 }],
      ['welcome.ack', { id: '1' }],
      ['room.fetch', { roomId, after: 0, limit: 0 }],
    ];
    for (const [event, payload] of cases) {
      const res = await alice.call(event, payload);
      expect(res, `${event} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, code: 'ERR_RELAY_BAD_REQUEST' });
      expect(typeof res.message).toBe('string');
      expect((res.message as string).length).toBeLessThanOrEqual(120);
    }
    await expectAlive();
  });

  it('rejects __proto__ and constructor keys without touching Object.prototype', async () => {
    const payloads = [
      JSON.parse(`{"roomId":"${roomId}","__proto__":{"polluted":true}}`) as unknown,
      JSON.parse(`{"roomId":"${roomId}","constructor":{"prototype":{"polluted":true}}}`) as unknown,
      JSON.parse(`{"__proto__":{"roomId":"${roomId}"}}`) as unknown,
    ];
    for (const p of payloads) {
      expect(await alice.call('room.info', p)).toMatchObject({ ok: false, code: 'ERR_RELAY_BAD_REQUEST' });
      expect(await alice.call('room.fetch', p)).toMatchObject({ ok: false, code: 'ERR_RELAY_BAD_REQUEST' });
    }
    await expectAlive();
  });

  it('ignores events without an ack, and answers an ack without a payload', async () => {
    const s = alice.socket as unknown as { emit(ev: string, ...args: unknown[]): void };
    s.emit('room.info', { roomId });
    s.emit('room.send', { roomId, epoch: 0, msgId: hexId(), kind: 'application', data: 'AAAA' });
    s.emit('room.info');
    const onlyAck = await new Promise<unknown>((resolve) => s.emit('rooms.mine', resolve));
    expect(onlyAck).toMatchObject({ ok: false, code: 'ERR_RELAY_BAD_REQUEST' });
    const twoPayloads = await new Promise<unknown>((resolve) => s.emit('rooms.mine', {}, {}, resolve));
    expect(twoPayloads).toMatchObject({ ok: false, code: 'ERR_RELAY_BAD_REQUEST' });
    // The ack-less send was not appended.
    expect(await alice.call('room.info', { roomId })).toMatchObject({ lastSeq: 0 });
    await expectAlive();
  });

  it('survives 1000 distinct unknown event names and reserved names', async () => {
    const s = await connectClient(relay.url, 'flooder');
    const raw = s.socket as unknown as { emit(ev: string, ...args: unknown[]): void };
    for (let i = 0; i < 1000; i++) raw.emit(`no.such.event.${i}`, { i }, () => undefined);
    raw.emit('toString', {}, () => undefined);
    raw.emit('hasOwnProperty', {}, () => undefined);
    // Unknown names are dropped but still cost rate-limit tokens: the next request is answered at once, and
    // succeeds as soon as the bucket has refilled.
    const first = await s.call('rooms.mine', {});
    expect(first.ok || first.code === 'ERR_RELAY_RATE_LIMITED').toBe(true);
    await expect.poll(async () => s.call('rooms.mine', {}), { timeout: 3000, interval: 50 }).toEqual({ ok: true, rooms: [] });
    // A reserved name cannot be emitted by socket.io-client; written raw, the parser refuses the packet.
    const gone = disconnected(s.socket);
    rawSend(s.socket, '2["disconnect",{}]');
    await gone;
    await expectAlive();
  });
});

describe('E2/E4/E5 hostile frames', () => {
  it('rejects a 10 KB [[[[…]]]] payload and a deep object without harm', async () => {
    const s = await connectClient(relay.url, 'nester');
    const inbox = rawInbox(s.socket);
    const nested = '['.repeat(5000) + ']'.repeat(5000);
    rawSend(s.socket, `29001["room.info",${nested}]`);
    rawSend(s.socket, `29002["room.send",${nested},${nested}]`);
    const deepObject = '{"a":'.repeat(3000) + '1' + '}'.repeat(3000);
    rawSend(s.socket, `29003["room.info",${deepObject}]`);
    const deepAck = '{"roomId":' + nested + '}';
    rawSend(s.socket, `29004["room.fetch",${deepAck}]`);
    await expect.poll(() => inbox.filter((m) => m.startsWith('3900')).length).toBe(4);
    for (const id of ['9001', '9002', '9003', '9004']) {
      const reply = inbox.find((m) => m.startsWith(`3${id}[`));
      expect(reply).toBeDefined();
      const [ack] = JSON.parse((reply as string).slice(1 + id.length)) as [{ ok: boolean; code: string }];
      expect(ack).toMatchObject({ ok: false, code: 'ERR_RELAY_BAD_REQUEST' });
      expect((reply as string).length).toBeLessThan(300);
    }
    s.close();
    await expectAlive();
  });

  it('closes the connection on an oversize frame and keeps serving others', async () => {
    const s = await connectSocket(relay.url);
    const gone = disconnected(s);
    const big = 'A'.repeat(Limits.relayFrameBytes + 1024);
    (s as unknown as { emit(ev: string, ...args: unknown[]): void }).emit('hello', { protocol: 1, big }, () => undefined);
    await gone;
    await expectAlive();
  });

  it('closes the connection on a packet declaring 10^6 binary attachments', async () => {
    const s = await connectSocket(relay.url);
    const gone = disconnected(s);
    rawSend(s, '51000000-["hello",{"_placeholder":true,"num":0}]');
    await gone;
    await expectAlive();
  });

  it('rejects invalid and non-canonical base64, and binary where text is expected', async () => {
    const cases: [string, unknown][] = [
      ['room.send', { roomId, epoch: 0, msgId: hexId(), kind: 'application', data: 'not base64!' }],
      ['room.send', { roomId, epoch: 0, msgId: hexId(), kind: 'application', data: 'AAA' }],
      ['room.send', { roomId, epoch: 0, msgId: hexId(), kind: 'application', data: 'AB==' }],
      ['room.send', { roomId, epoch: 0, msgId: hexId(), kind: 'application', data: 'AA\u00e9=' }],
      ['room.send', { roomId, epoch: 0, msgId: hexId(), kind: 'application', data: Buffer.from('hi') }],
      ['kp.upload', { keyPackages: ['AAB='] }],
      ['room.commit', { roomId, epoch: 0, msgId: hexId(), commit: 'AAAA', welcome: 'AAB=', adds: [], removes: [], external: false }],
    ];
    for (const [event, payload] of cases) {
      expect(await alice.call(event, payload), event).toMatchObject({ ok: false, code: 'ERR_RELAY_BAD_REQUEST' });
    }
    expect(await alice.call('room.info', { roomId })).toMatchObject({ epoch: 0, lastSeq: 0 });
    expect(await alice.call('kp.count', {})).toEqual({ ok: true, available: 0, lastResort: false });
    // Bytes that are not an MLS message of this room are refused (framing-check.ts); a framed one round-trips exactly.
    const junk = Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('base64');
    expect(await alice.call('room.send', { roomId, epoch: 0, msgId: hexId(), kind: 'application', data: junk })).toMatchObject({
      ok: false,
      code: 'ERR_RELAY_MESSAGE_REFUSED',
    });
    expect(await alice.call('room.info', { roomId })).toMatchObject({ epoch: 0, lastSeq: 0 });
    const bytes = Buffer.from(framedApp(roomId, 0, 300), 'base64');
    const msg = { roomId, epoch: 0, msgId: hexId(), kind: 'application', data: bytes.toString('base64') };
    expect(await alice.call('room.send', msg)).toMatchObject({ ok: true });
    const log = await alice.call('room.fetch', { roomId, after: 0, limit: 10 });
    expect(Buffer.from(log.entries.at(-1).data as string, 'base64').equals(bytes)).toBe(true);
  });
});

describe('F7 rate limit', () => {
  it('answers ERR_RELAY_RATE_LIMITED to a flood, then recovers', async () => {
    const limited = await startTestRelay({ limits: { eventsPerSecond: 50, eventBurst: 100 } });
    const c = await connectClient(limited.url, 'flood');
    const results = await Promise.all(Array.from({ length: 500 }, () => c.call('kp.count', {})));
    const ok = results.filter((r) => r.ok).length;
    const limitedCount = results.filter((r) => r.code === 'ERR_RELAY_RATE_LIMITED').length;
    expect(ok + limitedCount).toBe(500);
    expect(ok).toBeGreaterThanOrEqual(98);
    expect(ok).toBeLessThan(200);
    await sleep(100);
    expect(await c.call('kp.count', {})).toMatchObject({ ok: true });
    c.close();
    await stopTestRelay(limited);
  });
});

describe('internal errors', () => {
  it('answers ERR_RELAY_INTERNAL when the store fails, logging the code only', async () => {
    const store = new SqliteRelayStore(':memory:');
    store.getRoom = () => {
      throw new Error('disk on fire: SECRET-DETAIL');
    };
    const broken = await startTestRelay({ store });
    const c = await connectClient(broken.url, 'victim');
    expect(await c.call('room.info', { roomId })).toEqual({ ok: false, code: 'ERR_RELAY_INTERNAL' });
    expect(await c.call('rooms.mine', {})).toEqual({ ok: true, rooms: [] });
    expect(logRecords(broken.logs)).toContainEqual(
      expect.objectContaining({ level: 'error', msg: 'event failed', event: 'room.info', errorCode: 'ERR_RELAY_INTERNAL', thrown: 'Error' }),
    );
    expect(broken.logs.join('\n')).not.toContain('SECRET-DETAIL');
    c.close();
    await stopTestRelay(broken);
    store.close();
  });
});

describe('hello payloads', () => {
  it('rejects a malformed hello', async () => {
    const s = await connectSocket(relay.url);
    for (const p of [{}, { protocol: '1' }, { protocol: RELAY_PROTOCOL_VERSION, x: 1 }, { protocol: 1e9 }]) {
      expect(await call(s, 'hello', p)).toMatchObject({ ok: false, code: 'ERR_RELAY_BAD_REQUEST' });
    }
    expect(await call(s, 'hello', { protocol: RELAY_PROTOCOL_VERSION })).toMatchObject({ ok: true });
    s.disconnect();
    expect(blob(3)).toHaveLength(4);
  });
});
