import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import type { SealroomClient } from '@sealroom/client';
import { commitChanges, createAuthenticationService, decodeGroup, makeClientConfig } from '@sealroom/mls';
import { toBase64, type LogEntry, type RoomId, type SecurityEvent } from '@sealroom/protocol';
import { SqliteRelayStore, startRelay, type RelayStore } from '@sealroom/server';
import { device, inviteAndWait, tempDir, until, waitForText } from '../harness.js';

/**
 * Issue "a relay that cannot cheat unseen": a relay that drops, withholds or forks must be noticed and
 * shown — never silence. The relay runs its real code over a store that can be made to lie on fetches.
 */
function lyingStore(path: string) {
  const inner = new SqliteRelayStore(path);
  const knobs = {
    /** msgIds left out of fetches, the later entries renumbered so the log looks whole. */
    withhold: new Set<string>(),
    /** msgIds left out of fetches, numbering kept (a visible hole). */
    hole: new Set<string>(),
    /** msgId → other data served in its place. */
    substitute: new Map<string, string>(),
  };
  const hidden = (roomId: string) => inner.fetchEntries(roomId as RoomId, 0, 100_000).filter((e) => knobs.withhold.has(e.msgId));
  const store = new Proxy(inner, {
    get(t, p) {
      if (p === 'fetchEntries')
        return async (roomId: RoomId, after: number, limit: number, ...rest: unknown[]) => {
          const all = (t.fetchEntries as (...a: unknown[]) => LogEntry[])(roomId, 0, 100_000, ...rest);
          const out: LogEntry[] = [];
          let shift = 0;
          for (const e of all) {
            if (knobs.withhold.has(e.msgId)) {
              shift++;
              continue;
            }
            if (knobs.hole.has(e.msgId)) continue;
            const sub = knobs.substitute.get(e.msgId);
            out.push({ ...e, seq: e.seq - shift, ...(sub ? { data: sub } : {}) });
          }
          return out.filter((e) => e.seq > after).slice(0, limit);
        };
      if (p === 'getRoom')
        return async (roomId: RoomId) => {
          const r = t.getRoom(roomId);
          return r ? { ...r, lastSeq: r.lastSeq - hidden(roomId).length } : r;
        };
      const v = Reflect.get(t, p) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  }) as RelayStore;
  return { store, knobs, inner };
}

const eventsOf = async (c: SealroomClient, kind: SecurityEvent['kind'], roomId: string) =>
  (await c.securityEvents(0, 1000)).filter((e) => e.kind === kind && e.roomId === roomId);
const states = async (c: SealroomClient, roomId: string) => (await c.messages(roomId, 1000)).map((m) => `${m.state}:${m.text}`);

describe('dropped, withheld and forked history is detected', () => {
  const tmp = tempDir('drops');
  mkdirSync(`${tmp.dir}/server`, { recursive: true });
  const { store, knobs, inner } = lyingStore(`${tmp.dir}/server/relay.db`);
  let relay: Awaited<ReturnType<typeof startRelay>>;
  const clients: SealroomClient[] = [];
  let n = 0;
  /** alice and bob in a new room; bob then goes offline, so he catches up through the lying fetches. */
  async function pair(name: string) {
    n++;
    const alice = await device(relay.url, `${tmp.dir}/a${n}`, `alice${n}`);
    const bob = await device(relay.url, `${tmp.dir}/b${n}`, `bob${n}`);
    clients.push(alice);
    const roomId = (await alice.createRoom(name, false)).roomId;
    await inviteAndWait(alice, bob, roomId);
    return { alice, bob, roomId, bobDir: `${tmp.dir}/b${n}`, bobHandle: `bob${n}` };
  }

  beforeAll(async () => {
    relay = await startRelay({ port: 0, store });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await relay?.close();
    inner.close();
    tmp.cleanup();
  });

  it('a message dropped in the middle, renumbered: the receiver shows it missing, naming the sender', async () => {
    const { alice, bob, roomId, bobDir, bobHandle } = await pair('Renumbered');
    await bob.close();
    const sent = [];
    for (const t of ['one', 'two', 'three']) sent.push(await alice.sendText(roomId, t));
    knobs.withhold.add(sent[1]!.id);
    const back = await device(relay.url, bobDir, bobHandle);
    clients.push(back);
    await waitForText(back, roomId, 'three');
    expect(await states(back, roomId)).toEqual(['received:one', `missing:1 message from ${alice.handle} is missing`, 'received:three']);
    const ev = await eventsOf(back, 'messages-missing', roomId);
    expect(ev.map((e) => e.handle)).toEqual([alice.handle]);
    expect((await back.getRoom(roomId)).status).toBe('active');
  });

  it('a message dropped in the middle, numbering kept: the hole in the log and the sender are both reported', async () => {
    const { alice, bob, roomId, bobDir, bobHandle } = await pair('Hole');
    await bob.close();
    const sent = [];
    for (const t of ['uno', 'dos', 'tres']) sent.push(await alice.sendText(roomId, t));
    knobs.hole.add(sent[1]!.id);
    const back = await device(relay.url, bobDir, bobHandle);
    clients.push(back);
    await waitForText(back, roomId, 'tres');
    expect(await states(back, roomId)).toEqual(['received:uno', `missing:1 message from ${alice.handle} is missing`, 'received:tres']);
    const ev = await eventsOf(back, 'messages-missing', roomId);
    expect(ev.some((e) => e.handle === null && e.text.includes('skips 1 entry'))).toBe(true);
    expect(ev.some((e) => e.handle === alice.handle)).toBe(true);
  });

  it('the last message dropped: the sender\'s next checkpoint reveals it', async () => {
    const { alice, bob, roomId, bobDir, bobHandle } = await pair('Last');
    await bob.close();
    await alice.sendText(roomId, 'first');
    const last = await alice.sendText(roomId, 'last one');
    knobs.withhold.add(last.id);
    const back = await device(relay.url, bobDir, bobHandle);
    clients.push(back);
    await waitForText(back, roomId, 'first');
    // Nothing tells bob yet that anything is missing…
    expect(await eventsOf(back, 'messages-missing', roomId)).toEqual([]);
    // …until alice's checkpoint (sent on reconnect and every few minutes after she sent something).
    await alice.checkpoint(roomId);
    await until('bob to notice', async () => (await eventsOf(back, 'messages-missing', roomId)).length > 0);
    expect((await eventsOf(back, 'messages-missing', roomId))[0]?.handle).toBe(alice.handle);
    expect(await states(back, roomId)).toEqual(['received:first', `missing:1 message from ${alice.handle} is missing`]);
  });

  it('a fork (another valid commit for the same epoch shown to one member): both sides are told at the first message', async () => {
    const { alice, bob, roomId, bobDir, bobHandle } = await pair('Fork');
    await bob.close();
    // alice rotates her keys (commit A). For bob, the relay serves a different valid commit for that epoch:
    // one built from alice's own state (B), as a second relay with a copy of the database could.
    const before = (await alice.store.getRoom(roomId))!;
    const forged = await commitChanges(decodeGroup(before.group, makeClientConfig(createAuthenticationService())), { publishGroupInfo: false });
    await alice.rotateKeys(roomId);
    const commitA = inner.fetchEntries(roomId as RoomId, before.lastSeq, 10).find((e) => e.kind === 'commit')!;
    knobs.substitute.set(commitA.msgId, toBase64(forged.commit));
    const back = await device(relay.url, bobDir, bobHandle);
    clients.push(back);
    await until('bob to process the forged commit', async () => (await back.getRoom(roomId)).epoch === before.epoch + 1);
    expect(await back.epochAuthenticator(roomId)).not.toBe(await alice.epochAuthenticator(roomId));
    await alice.sendText(roomId, 'after the fork, from alice');
    await until('bob to be told', async () => (await eventsOf(back, 'history-differs', roomId)).length > 0);
    await back.sendText(roomId, 'after the fork, from bob');
    await until('alice to be told', async () => (await eventsOf(alice, 'history-differs', roomId)).length > 0);
    expect((await eventsOf(alice, 'history-differs', roomId))[0]?.handle).toBe(back.handle);
  });
});
