import { RELAY_PROTOCOL_VERSION, relayClientEventNames } from '@sealroom/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  connectClient,
  connectSocket,
  newIdentity,
  signAuth,
  startTestRelay,
  stopTestRelay,
  type TestRelay,
} from './helpers.js';

let relay: TestRelay;
beforeAll(async () => {
  relay = await startTestRelay();
});
afterAll(async () => {
  await stopTestRelay(relay);
});

describe('hello / auth', () => {
  it('rejects another protocol version', async () => {
    const s = await connectSocket(relay.url);
    const res = await call(s, 'hello', { protocol: RELAY_PROTOCOL_VERSION + 1 });
    expect(res).toMatchObject({ ok: false, code: 'ERR_RELAY_PROTOCOL_VERSION' });
    s.disconnect();
  });

  it('registers a new handle, then recognises the same key', async () => {
    const id = newIdentity();
    const s = await connectSocket(relay.url);
    const hello = await call(s, 'hello', { protocol: RELAY_PROTOCOL_VERSION });
    expect(hello.ok).toBe(true);
    expect(hello.protocol).toBe(RELAY_PROTOCOL_VERSION);
    expect(Buffer.from(hello.challenge as string, 'base64')).toHaveLength(32);
    const first = await call(s, 'auth', {
      handle: 'alice',
      identityKey: id.publicKey,
      signature: signAuth(id, hello.challenge as string, 'alice', relay.url),
    });
    expect(first).toEqual({ ok: true, registered: true });
    s.disconnect();

    const again = await connectSocket(relay.url);
    const hello2 = await call(again, 'hello', { protocol: RELAY_PROTOCOL_VERSION });
    expect(hello2.challenge).not.toBe(hello.challenge);
    const second = await call(again, 'auth', {
      handle: 'alice',
      identityKey: id.publicKey,
      signature: signAuth(id, hello2.challenge as string, 'alice', relay.url),
    });
    expect(second).toEqual({ ok: true, registered: false });
    expect(await call(again, 'kp.count', {})).toEqual({ ok: true, available: 0, lastResort: false });
    again.disconnect();
  });

  it('rejects a wrong signature and stays unauthenticated', async () => {
    const id = newIdentity();
    const other = newIdentity();
    const s = await connectSocket(relay.url);
    const hello = await call(s, 'hello', { protocol: RELAY_PROTOCOL_VERSION });
    const res = await call(s, 'auth', {
      handle: 'mallory',
      identityKey: id.publicKey,
      signature: signAuth(other, hello.challenge as string, 'mallory', relay.url),
    });
    expect(res).toMatchObject({ ok: false, code: 'ERR_RELAY_BAD_SIGNATURE' });
    expect(await call(s, 'kp.count', {})).toMatchObject({ ok: false, code: 'ERR_RELAY_UNAUTHENTICATED' });
    // The signature covers the handle: signing for one handle does not authenticate another.
    const hello2 = await call(s, 'hello', { protocol: RELAY_PROTOCOL_VERSION });
    const wrongHandle = await call(s, 'auth', {
      handle: 'mallory',
      identityKey: id.publicKey,
      signature: signAuth(id, hello2.challenge as string, 'mallory2', relay.url),
    });
    expect(wrongHandle).toMatchObject({ ok: false, code: 'ERR_RELAY_BAD_SIGNATURE' });
    s.disconnect();
  });

  it('refuses a handle bound to another key', async () => {
    const owner = await connectClient(relay.url, 'bob');
    const s = await connectSocket(relay.url);
    const thief = newIdentity();
    const hello = await call(s, 'hello', { protocol: RELAY_PROTOCOL_VERSION });
    const res = await call(s, 'auth', {
      handle: 'bob',
      identityKey: thief.publicKey,
      signature: signAuth(thief, hello.challenge as string, 'bob', relay.url),
    });
    expect(res).toMatchObject({ ok: false, code: 'ERR_RELAY_HANDLE_TAKEN' });
    expect(await call(s, 'rooms.mine', {})).toMatchObject({ ok: false, code: 'ERR_RELAY_UNAUTHENTICATED' });
    owner.close();
    s.disconnect();
  });

  it('requires hello first, and a challenge is good for one attempt only', async () => {
    const id = newIdentity();
    const s = await connectSocket(relay.url);
    const noHello = await call(s, 'auth', { handle: 'carol', identityKey: id.publicKey, signature: 'A'.repeat(86) + '==' });
    expect(noHello).toMatchObject({ ok: false, code: 'ERR_RELAY_UNAUTHENTICATED' });

    const hello = await call(s, 'hello', { protocol: RELAY_PROTOCOL_VERSION });
    const signature = signAuth(id, hello.challenge as string, 'carol', relay.url);
    const bad = await call(s, 'auth', { handle: 'carol', identityKey: id.publicKey, signature: 'A'.repeat(86) + '==' });
    expect(bad).toMatchObject({ ok: false, code: 'ERR_RELAY_BAD_SIGNATURE' });
    // The valid signature over the consumed challenge is now worthless.
    const replay = await call(s, 'auth', { handle: 'carol', identityKey: id.publicKey, signature });
    expect(replay).toMatchObject({ ok: false, code: 'ERR_RELAY_UNAUTHENTICATED' });
    s.disconnect();

    // Nor does it work on another connection, which has its own challenge.
    const s2 = await connectSocket(relay.url);
    await call(s2, 'hello', { protocol: RELAY_PROTOCOL_VERSION });
    const replay2 = await call(s2, 'auth', { handle: 'carol', identityKey: id.publicKey, signature });
    expect(replay2).toMatchObject({ ok: false, code: 'ERR_RELAY_BAD_SIGNATURE' });
    s2.disconnect();
  });

  it('rejects every event but hello/auth before authentication', async () => {
    const s = await connectSocket(relay.url);
    const payloads: Record<string, unknown> = {
      'kp.upload': { keyPackages: [] },
      'kp.count': {},
      'kp.claim': { handle: 'alice' },
      'identity.lookup': { handles: ['alice'] },
      'room.create': { roomId: 'a'.repeat(32), open: false },
      'room.info': { roomId: 'a'.repeat(32) },
      'room.commit': {
        roomId: 'a'.repeat(32), epoch: 0, msgId: 'b'.repeat(32), commit: 'AAAA', adds: [], removes: [], external: false,
      },
      'room.send': { roomId: 'a'.repeat(32), epoch: 0, msgId: 'b'.repeat(32), kind: 'application', data: 'AAAA' },
      'room.fetch': { roomId: 'a'.repeat(32), after: 0, limit: 10 },
      'room.leave': { roomId: 'a'.repeat(32) },
      'rooms.mine': {},
      'welcome.list': {},
      'welcome.ack': { id: 1 },
    };
    const guarded = relayClientEventNames.filter((e) => e !== 'hello' && e !== 'auth');
    expect(Object.keys(payloads).sort()).toEqual([...guarded].sort());
    for (const event of guarded) {
      const res = await call(s, event, payloads[event]);
      expect(res, event).toMatchObject({ ok: false, code: 'ERR_RELAY_UNAUTHENTICATED' });
    }
    s.disconnect();
  });

  it('refuses a login signed for another relay origin, accepts the loopback aliases of its own port', async () => {
    const id = newIdentity();
    const login = async (origin: string): Promise<string> => {
      const s = await connectSocket(relay.url);
      try {
        const hello = await call(s, 'hello', { protocol: RELAY_PROTOCOL_VERSION });
        const res = await call(s, 'auth', {
          handle: 'erin',
          identityKey: id.publicKey,
          signature: signAuth(id, hello.challenge as string, 'erin', origin),
        });
        return res.ok ? 'ok' : (res.code ?? '?');
      } finally {
        s.disconnect();
      }
    };
    expect(await login(`http://127.0.0.1:${relay.port + 1}`)).toBe('ERR_RELAY_BAD_SIGNATURE');
    expect(await login('https://relay.example')).toBe('ERR_RELAY_BAD_SIGNATURE');
    expect(await login(`https://127.0.0.1:${relay.port}`)).toBe('ERR_RELAY_BAD_SIGNATURE');
    for (const host of ['127.0.0.1', 'localhost', '[::1]', 'LOCALHOST']) {
      expect(await login(`http://${host}:${relay.port}/some/path`), host).toBe('ok');
    }
    expect(relay.acceptedOrigins).toEqual([
      `http://127.0.0.1:${relay.port}`,
      `http://localhost:${relay.port}`,
      `http://[::1]:${relay.port}`,
    ]);
  });

  it('with publicUrl, accepts only logins naming those origins', async () => {
    const pub = await startTestRelay({ publicUrl: ['https://Relay.Example/', 'https://relay.example:8443'] });
    try {
      expect(pub.acceptedOrigins).toEqual(['https://relay.example', 'https://relay.example:8443']);
      const id = newIdentity();
      const login = async (origin: string): Promise<string> => {
        const s = await connectSocket(pub.url);
        try {
          const hello = await call(s, 'hello', { protocol: RELAY_PROTOCOL_VERSION });
          const res = await call(s, 'auth', {
            handle: 'frank',
            identityKey: id.publicKey,
            signature: signAuth(id, hello.challenge as string, 'frank', origin),
          });
          return res.ok ? 'ok' : (res.code ?? '?');
        } finally {
          s.disconnect();
        }
      };
      // The listening address is not the public one: a device configured with it is talking to something else.
      expect(await login(pub.url)).toBe('ERR_RELAY_BAD_SIGNATURE');
      expect(await login('https://relay.example/')).toBe('ok');
      expect(await login('https://relay.example:8443')).toBe('ok');
    } finally {
      await stopTestRelay(pub);
    }
  });

  it('refuses a publicUrl that is not a URL', async () => {
    await expect(startTestRelay({ publicUrl: 'relay.example' })).rejects.toThrow(TypeError);
    await expect(startTestRelay({ publicUrl: [] })).rejects.toThrow(RangeError);
  });

  it('refuses a second auth on an authenticated connection', async () => {
    const c = await connectClient(relay.url, 'dave');
    expect(await c.call('hello', { protocol: RELAY_PROTOCOL_VERSION })).toMatchObject({
      ok: false,
      code: 'ERR_RELAY_BAD_REQUEST',
    });
    c.close();
  });

  it('disconnects a connection that never authenticates', async () => {
    const quick = await startTestRelay({ limits: { authTimeoutMs: 100 } });
    const s = await connectSocket(quick.url);
    const gone = new Promise<string>((resolve) => s.once('disconnect', (reason) => resolve(reason)));
    expect(await gone).toBe('io server disconnect');
    await stopTestRelay(quick);
  });
});
