import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { RelayConnection } from '@sealroom/client';
import { generateIdentity, signWithIdentity } from '@sealroom/mls';
import { RELAY_PROTOCOL_VERSION, authTranscript, relayOrigin, toBase64 } from '@sealroom/protocol';
import { relayIn, tempDir, until, type Relay } from '../harness.js';

type Ack = { ok: boolean; code?: string; [k: string]: unknown };
const ask = (s: Socket, event: string, payload: unknown): Promise<Ack> =>
  s.timeout(5000).emitWithAck(event, payload) as Promise<Ack>;

function connect(url: string): Promise<Socket> {
  const s = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

/**
 * A relay in the middle (M): every device that connects to it gets a connection to the real relay R, and
 * M passes R's challenge to the device and the device's auth answer to R — the attack the relay origin in
 * the login transcript exists to stop (M would otherwise be logged in at R as the device).
 */
type Mitm = { url: string; upstreams: Socket[]; authAnswers: Ack[]; close(): Promise<void> };

async function startMitm(target: string): Promise<Mitm> {
  const http: HttpServer = createServer();
  const server = new Server(http, { transports: ['websocket'] });
  const upstreams: Socket[] = [];
  const authAnswers: Ack[] = [];
  server.on('connection', (victim: ServerSocket) => {
    const upstream = connect(target);
    void upstream.then((u) => upstreams.push(u));
    victim.on('hello', (payload: unknown, ack: (a: Ack) => void) => {
      void upstream.then((u) => ask(u, 'hello', payload)).then(ack);
    });
    victim.on('auth', (payload: unknown, ack: (a: Ack) => void) => {
      void upstream
        .then((u) => ask(u, 'auth', payload))
        .then((answer) => {
          authAnswers.push(answer);
          ack(answer);
        });
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    upstreams,
    authAnswers,
    close: async () => {
      for (const u of upstreams) u.disconnect();
      await server.close();
    },
  };
}

/** True for the relay's log record of a successful login as `handle` (one pino JSON object per line). */
function loggedIn(line: string, handle: string): boolean {
  const r = JSON.parse(line) as Record<string, unknown>;
  return r['msg'] === 'auth' && r['handle'] === handle;
}

describe('security: a login made for one relay cannot be replayed at another', () => {
  const tmp = tempDir('login-replay');
  const relayLog: string[] = [];
  let relay: Relay;
  let mitm: Mitm;

  beforeAll(async () => {
    relay = await relayIn(`${tmp.dir}/server`, (l) => relayLog.push(l));
    mitm = await startMitm(relay.url);
  });
  afterAll(async () => {
    await mitm?.close();
    await relay?.close();
    tmp.cleanup();
  });

  it('the real relay refuses a device login forwarded by the relay it was made for', async () => {
    const victim = await generateIdentity('victim');
    const conn = new RelayConnection(mitm.url, victim);
    const errors: Error[] = [];
    conn.on('error', (e) => errors.push(e));
    conn.start();
    try {
      // The device signed M's origin; M forwarded it to R; R's answer is what M recorded.
      const answer = await until('the forwarded login to be answered', async () => mitm.authAnswers[0]);
      expect(answer).toMatchObject({ ok: false, code: 'ERR_RELAY_BAD_SIGNATURE' });
      await until('the device to see the refusal', async () => errors.length > 0);
      expect(conn.ready).toBe(false);
    } finally {
      conn.close();
    }
    // M's connection to R is not logged in as anyone, and R never bound the victim's handle.
    const upstream = mitm.upstreams[0];
    if (upstream === undefined) throw new Error('no upstream connection');
    expect(await ask(upstream, 'rooms.mine', {})).toMatchObject({ ok: false, code: 'ERR_RELAY_UNAUTHENTICATED' });
    expect(relayLog.some((l) => loggedIn(l, 'victim'))).toBe(false);
    const witness = await generateIdentity('witness');
    const w = new RelayConnection(relay.url, witness);
    w.start();
    try {
      await w.waitReady(5000);
      expect(await w.request('identity.lookup', { handles: ['victim' as never] })).toEqual({
        ok: true,
        accounts: [{ handle: 'victim', identityKey: null }],
      });
    } finally {
      w.close();
    }
  });

  it('control: the same forwarding logs in when the transcript names the real relay', async () => {
    // Proves the attack path works, so the refusal above is the origin check and not a broken relay in the middle.
    const victim = await generateIdentity('victim2');
    const before = mitm.authAnswers.length;
    const s = await connect(mitm.url);
    try {
      const hello = await ask(s, 'hello', { protocol: RELAY_PROTOCOL_VERSION });
      const identityKey = toBase64(victim.publicKey);
      const transcript = authTranscript(hello.challenge as string, victim.handle, identityKey, relayOrigin(relay.url));
      const signature = toBase64(await signWithIdentity(victim, transcript));
      expect(await ask(s, 'auth', { handle: victim.handle, identityKey, signature })).toEqual({ ok: true, registered: true });
    } finally {
      s.disconnect();
    }
    expect(mitm.authAnswers.length).toBe(before + 1);
    const upstream = mitm.upstreams.at(-1);
    if (upstream === undefined) throw new Error('no upstream connection');
    expect(await ask(upstream, 'rooms.mine', {})).toEqual({ ok: true, rooms: [] });
    expect(relayLog.some((l) => loggedIn(l, 'victim2'))).toBe(true);
  });
});
