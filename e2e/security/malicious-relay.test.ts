import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import type { SealroomClient } from '@sealroom/client';
import type { LogEntry } from '@sealroom/protocol';
import { SqliteRelayStore, startRelay, type RelayStore } from '@sealroom/server';
import { inviteAndWait, waitForInvitation, device, tempDir, until, waitForText } from '../harness.js';

/** A relay that runs the real code over a store we can make lie. */
function lyingStore(path: string) {
  const inner = new SqliteRelayStore(path);
  const knobs = {
    openLie: new Set<string>(),
    /** roomId -> entries to append after the real ones on the next fetch that reaches the end of the log. */
    inject: new Map<string, (lastSeq: number) => LogEntry[]>(),
    /** roomId -> two msgIds whose entries trade places (content moves, seq numbers stay). */
    swap: new Map<string, [string, string]>(),
  };
  const store = new Proxy(inner, {
    get(t, p) {
      if (p === 'getRoom')
        return async (roomId: string) => {
          const r = t.getRoom(roomId as never);
          return r && knobs.openLie.has(roomId) ? { ...r, open: true } : r;
        };
      if (p === 'fetchEntries')
        return async (roomId: string, after: number, limit: number) => {
          let real = t.fetchEntries(roomId as never, after, limit);
          const sw = knobs.swap.get(roomId);
          if (sw) {
            const a = real.find((e) => e.msgId === sw[0]);
            const b = real.find((e) => e.msgId === sw[1]);
            if (a && b) real = real.map((e) => (e === a ? { ...b, seq: a.seq } : e === b ? { ...a, seq: b.seq } : e));
          }
          const f = knobs.inject.get(roomId);
          const last = real.length ? real[real.length - 1]!.seq : after;
          if (!f) return real;
          knobs.inject.delete(roomId);
          return [...real, ...f(last)];
        };
      const v = Reflect.get(t, p) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  }) as RelayStore;
  return { store, knobs, inner };
}

describe('what a malicious relay can make the client do', () => {
  const tmp = tempDir('rv-evil');
  mkdirSync(`${tmp.dir}/server`, { recursive: true });
  const { store, knobs, inner } = lyingStore(`${tmp.dir}/server/relay.db`);
  let relay: Awaited<ReturnType<typeof startRelay>>;
  const clients: SealroomClient[] = [];

  beforeAll(async () => {
    relay = await startRelay({ port: 0, store });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await relay?.close();
    inner.close();
    tmp.cleanup();
  });

  it('an invite-only room cannot be joined by external commit, even if the relay says it is open', async () => {
    const alice = await device(relay.url, `${tmp.dir}/alice`, 'alice');
    let bob = await device(relay.url, `${tmp.dir}/bob`, 'bob');
    const eve = await device(relay.url, `${tmp.dir}/eve`, 'eve');
    clients.push(alice, eve);
    const roomId = (await alice.createRoom('Invite only', false)).roomId;
    await bob.close();
    await alice.invite(roomId, 'bob'); // honest so far
    // The relay now claims the room is open. bob processes his Welcome on reconnect and believes it.
    knobs.openLie.add(roomId);
    bob = await device(relay.url, `${tmp.dir}/bob`, 'bob');
    clients.push(bob);
    await waitForInvitation(bob, roomId);
    await bob.acceptInvitation(roomId);
    await until('bob to join', async () => (await bob.listRooms()).some((r) => r.roomId === roomId && r.status === 'active'));
    // Openness comes from the inviter inside the Welcome, not from the relay.
    expect((await bob.getRoom(roomId)).open).toBe(false);
    // So bob's commits never publish GroupInfo (the lying relay then refuses them: denial, not a breach).
    await bob.rotateKeys(roomId).catch(() => undefined);
    const joined = await eve.joinRoom(roomId).then(() => true, () => false);
    expect(joined).toBe(false);
    await alice.sendText(roomId, 'for invited members only');
    expect(await waitForText(eve, roomId, 'for invited members only', 1000).then(() => true, () => false)).toBe(false);
    expect((await alice.members(roomId)).map((m) => m.handle).sort()).toEqual(['alice', 'bob']);
  });

  it('a replayed log entry does not erase a stored message', async () => {
    const alice = await device(relay.url, `${tmp.dir}/ann`, 'ann');
    const bob = await device(relay.url, `${tmp.dir}/ben`, 'ben');
    clients.push(alice, bob);
    const roomId = (await alice!.createRoom('Replay', false)).roomId;
    await inviteAndWait(alice, bob, roomId);
    const sent = await alice!.sendText(roomId, 'keep me');
    await waitForText(bob!, roomId, 'keep me');
    const orig = inner.fetchEntries(roomId as never, 0, 500).find((e) => e.msgId === sent.id)!;
    knobs.inject.set(roomId, (last) => [{ ...orig, seq: last + 1 }]);
    await bob!.syncRoom(roomId);
    const m = (await bob!.messages(roomId, 1000)).find((x) => x.id === sent.id);
    expect(m?.text).toBe('keep me');
  });

  it('B4: one sender\'s messages delivered out of order within an epoch all decrypt', async () => {
    const alice = await device(relay.url, `${tmp.dir}/ada`, 'ada');
    let bob = await device(relay.url, `${tmp.dir}/bart`, 'bart');
    clients.push(alice);
    const roomId = (await alice.createRoom('Reorder', false)).roomId;
    await inviteAndWait(alice, bob, roomId);
    await bob.close();
    const sent = [];
    for (const t of ['one', 'two', 'three']) sent.push(await alice.sendText(roomId, t));
    knobs.swap.set(roomId, [sent[0]!.id, sent[2]!.id]);
    bob = await device(relay.url, `${tmp.dir}/bart`, 'bart'); // catches up through the reordering relay
    clients.push(bob);
    await waitForText(bob, roomId, 'one');
    const shown = (await bob.messages(roomId, 100)).map((m) => `${m.state}:${m.text}`);
    // The MLS ratchet keeps skipped generations' keys (RFC 9420 §9.1), so the later one first is fine.
    expect(shown).toEqual(['received:three', 'received:two', 'received:one']);
  });
});
