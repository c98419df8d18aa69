import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SealroomClient } from '@sealroom/client';
import { SqliteClientStore } from '@sealroom/proxy';
import type { RoomId } from '@sealroom/protocol';
import { startRelay } from '@sealroom/server';
import { device, inviteAndWait, tempDir, until } from '../harness.js';
import { lyingStore } from '../lying-store.js';

// issue 7, "Order and liveness under load": in 0.1 a send that failed stayed in the outbox until the next
// reconnect while later sends went through, so the relay's log held later messages far ahead of it — past
// MLS's forward-ratchet limit, every later message was unreadable everywhere though its sender said `sent`.
// Now a room's outbox is one queue: nothing overtakes the oldest unsent message, and it is retried with
// backoff without waiting for a reconnect.
describe("a room's outbox goes out in order, and a stuck message is retried without a reconnect", () => {
  const tmp = tempDir('outbox-order');
  mkdirSync(join(tmp.dir, 'server'), { recursive: true });
  let failures = 0;
  /** Answer alice's sends "stale epoch" this many times (the relay's epoch kept moving). */
  let staleAnswers = 0;
  /** Fail alice's sends until cleared. */
  let failAlice = false;
  /** Delay one catch-up of this room (so a send right after a restart comes before the reconnect's flush). */
  let slowRoom = '';
  let fetchFailures = 0;
  let fetchFailRoom = '';
  const { store, inner } = lyingStore(join(tmp.dir, 'server', 'relay.db'), (t) => ({
    fetchEntries: async (...args: Parameters<typeof t.fetchEntries>) => {
      if (slowRoom !== '' && args[0] === slowRoom) {
        slowRoom = '';
        await new Promise((r) => setTimeout(r, 3000));
      }
      if (fetchFailures > 0 && args[0] === fetchFailRoom) {
        fetchFailures--;
        throw new Error('relay overloaded');
      }
      return t.fetchEntries(...args);
    },
    append: async (input: Parameters<typeof t.append>[0]) => {
      if (staleAnswers > 0 && input.sender === 'alice' && input.kind === 'application') {
        staleAnswers--;
        return { status: 'stale-epoch' } as const;
      }
      if (failAlice && input.sender === 'alice' && input.kind === 'application') throw new Error('disk full');
      if (failures > 0 && input.sender === 'alice' && input.kind === 'application') {
        failures--;
        throw new Error('disk full'); // answered ERR_RELAY_INTERNAL: passing, not permanent
      }
      return t.append(input);
    },
  }));
  let relay: Awaited<ReturnType<typeof startRelay>>;
  let alice: SealroomClient, bob: SealroomClient;

  beforeAll(async () => {
    relay = await startRelay({ port: 0, store });
    alice = await device(relay.url, `${tmp.dir}/alice`, 'alice');
    bob = await device(relay.url, `${tmp.dir}/bob`, 'bob');
  });
  afterAll(async () => {
    await Promise.all([alice?.close(), bob?.close()]);
    await relay?.close();
    inner.close();
    tmp.cleanup();
  });

  it('the relay log holds alice’s messages in the order she wrote them; bob reads all of them', async () => {
    const { roomId } = await alice.createRoom('Queue', false);
    await inviteAndWait(alice, bob, roomId);
    failures = 2;
    const sent = [];
    for (let i = 1; i <= 5; i++) sent.push(await alice.sendText(roomId, `m${i}`));
    // The first one could not be stored; the others waited behind it instead of overtaking it.
    expect(sent.map((m) => m.state)).toEqual(['sending', 'sending', 'sending', 'sending', 'sending']);
    await until('every message to be accepted, with no reconnect', async () =>
      (await alice.messages(roomId)).filter((m) => m.own && /^m\d$/.test(m.text)).every((m) => m.state === 'sent'),
    20_000);
    const log = inner.fetchEntries(roomId as RoomId, 0, 100);
    const order = log.filter((e) => e.sender === 'alice' && e.kind === 'application').map((e) => e.msgId);
    expect(order).toEqual(sent.map((m) => m.id));
    await until('bob to read all five', async () => (await bob.messages(roomId)).filter((m) => /^m\d$/.test(m.text)).length === 5);
    expect((await bob.messages(roomId)).filter((m) => /^m\d$/.test(m.text)).map((m) => m.text)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(failures).toBe(0);
  });

  it('a catch-up that fails after a reconnect is retried with backoff until it succeeds, without another reconnect', async () => {
    const { roomId } = await alice.createRoom('Catch-up', false);
    await inviteAndWait(alice, bob, roomId);
    await bob.close();
    await alice.sendText(roomId, 'while bob was away');
    fetchFailRoom = roomId;
    fetchFailures = 2; // the first two catch-ups of this room after bob's reconnect fail
    bob = await device(relay.url, `${tmp.dir}/bob`, 'bob');
    await until('bob to catch up', async () => (await bob.messages(roomId)).some((m) => m.text === 'while bob was away'), 20_000);
    expect(fetchFailures).toBe(0);
  });

  const order = (roomId: string, ids: string[]) =>
    inner
      .fetchEntries(roomId as RoomId, 0, 100)
      .filter((e) => e.sender === 'alice' && e.kind === 'application' && ids.includes(e.msgId))
      .map((e) => e.msgId);
  const allSent = (roomId: string, texts: string[]) =>
    until(`${texts.join(', ')} to be accepted`, async () => (await alice.messages(roomId)).filter((m) => m.own && texts.includes(m.text)).every((m) => m.state === 'sent'), 20_000);

  it('a message queued before a restart still goes out before one sent right after it', async () => {
    const { roomId } = await alice.createRoom('Restart', false);
    await inviteAndWait(alice, bob, roomId);
    const other = (await alice.createRoom('Slow', false)).roomId;
    failAlice = true;
    const a = await alice.sendText(roomId, 'A');
    expect(a.state).toBe('sending');
    await alice.close();
    failAlice = false;
    slowRoom = other; // the restarted proxy's reconnect round is still busy when B is sent
    alice = new SealroomClient({ store: new SqliteClientStore(`${tmp.dir}/alice`), serverUrl: relay.url });
    await alice.start();
    // Logged in, but the reconnect round (catch-up, then the outbox flush) is held up by the slow room.
    await until('alice to be logged in', async () => alice.connected);
    const b = await alice.sendText(roomId, 'B');
    await allSent(roomId, ['A', 'B']);
    expect(order(roomId, [a.id, b.id])).toEqual([a.id, b.id]);
  });

  it('a message that kept meeting epoch changes is retried, and the next one waits behind it', async () => {
    const { roomId } = await alice.createRoom('Moving', false);
    await inviteAndWait(alice, bob, roomId);
    staleAnswers = 6; // more than one send's re-encryption attempts
    const a = await alice.sendText(roomId, 'A');
    expect(a.state).toBe('sending');
    const b = await alice.sendText(roomId, 'B');
    await allSent(roomId, ['A', 'B']);
    expect(order(roomId, [a.id, b.id])).toEqual([a.id, b.id]);
  });
});
