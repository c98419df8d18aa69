import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { MemoryClientStore, RelayConnection, SealroomClient } from '@sealroom/client';
import { generateIdentity } from '@sealroom/mls';
import { relayClientEventNames, type RelayClientEventName } from '@sealroom/protocol';

/**
 * A relay that logs anyone in and then answers every request with whatever the test says. Each relay
 * answer must be parsed like an untrusted request: junk is a typed error, never data.
 */
describe('malformed relay answers', () => {
  let http: HttpServer;
  let io: Server;
  let url: string;
  let answer: (event: string, payload: unknown) => unknown = () => ({ ok: true });

  beforeAll(async () => {
    http = createServer();
    io = new Server(http, { transports: ['websocket'] });
    io.on('connection', (socket) => {
      socket.onAny((event: string, payload: unknown, ack: unknown) => {
        if (typeof ack !== 'function') return;
        const reply = ack as (r: unknown) => void;
        if (event === 'hello') return reply({ ok: true, challenge: Buffer.alloc(32, 7).toString('base64'), protocol: 1 });
        if (event === 'auth') return reply({ ok: true, registered: true });
        reply(answer(event, payload));
      });
    });
    await new Promise<void>((ok) => http.listen(0, '127.0.0.1', () => ok()));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await io.close();
  });

  const junk: unknown[] = [
    null,
    'ok',
    { ok: 'yes' },
    { ok: true, extra: { __proto__: { polluted: true } } },
    { ok: false, code: 'ERR_CLIENT_TIMEOUT' }, // not a code the relay has
    { ok: false, code: 'ERR_RELAY_INTERNAL', message: 'x'.repeat(10_000) },
  ];

  it('every request: a junk answer is ERR_CLIENT_BAD_ANSWER', async () => {
    const id = await generateIdentity('alice');
    const relay = new RelayConnection(url, id);
    relay.start();
    try {
      await relay.waitReady(5000);
      const events = relayClientEventNames.filter((e): e is Exclude<RelayClientEventName, 'hello' | 'auth'> => e !== 'hello' && e !== 'auth');
      for (const event of events)
        for (const j of junk) {
          answer = () => j;
          await expect(relay.request(event as never, {} as never, 2000), `${event} ← ${JSON.stringify(j)}`).rejects.toMatchObject({
            code: 'ERR_CLIENT_BAD_ANSWER',
          });
        }
      // Positive control: a well-formed answer goes through, and a well-formed refusal is a refusal.
      answer = () => ({ ok: true, available: 3, lastResort: false });
      await expect(relay.request('kp.count', {})).resolves.toEqual({ ok: true, available: 3, lastResort: false });
      answer = () => ({ ok: false, code: 'ERR_RELAY_RATE_LIMITED' });
      await expect(relay.request('kp.count', {})).resolves.toEqual({ ok: false, code: 'ERR_RELAY_RATE_LIMITED' });
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    } finally {
      relay.close();
    }
  });

  it('a junk answer to room.create stores no room', async () => {
    answer = (event) => {
      if (event === 'kp.count') return { ok: true, available: 10, lastResort: false };
      if (event === 'kp.upload') return { ok: true, available: 10 };
      if (event === 'welcome.list') return { ok: true, welcomes: [] };
      if (event === 'room.create') return { ok: true, seq: 'zero' };
      return { ok: true };
    };
    const store = new MemoryClientStore();
    const c = new SealroomClient({ store, serverUrl: url });
    await c.start();
    try {
      await c.onboard('bob');
      await expect(c.createRoom('Junk', false)).rejects.toMatchObject({ code: 'ERR_CLIENT_BAD_ANSWER' });
      expect(await store.listRooms()).toEqual([]);
    } finally {
      await c.close();
    }
  });
});
