import { afterAll, describe, expect, it } from 'vitest';
import { framedApp, framedCommit, framedWelcome } from './framed.js';
import { blob, connectClient, hexId, newIdentity, startTestRelay, stopTestRelay, type TestRelay } from './helpers.js';

let relay: TestRelay | undefined;
afterAll(async () => {
  if (relay !== undefined) await stopTestRelay(relay);
});

describe('durability', () => {
  it('keeps accounts, key packages, rooms, the log and welcomes across a restart', async () => {
    relay = await startTestRelay();
    const aliceId = newIdentity();
    const bobId = newIdentity();
    const alice = await connectClient(relay.url, 'alice', aliceId);
    const bob = await connectClient(relay.url, 'bob', bobId);
    const kps = [blob(100), blob(100)];
    await bob.call('kp.upload', { keyPackages: kps, lastResort: blob(100) });
    const roomId = hexId();
    await alice.call('room.create', { roomId, open: false });
    const claimed = await alice.call('kp.claim', { handle: 'bob' });
    const commit = { roomId, epoch: 0, msgId: hexId(), commit: framedCommit(roomId, 0, 1000), welcome: framedWelcome(1, 700), adds: ['bob'], removes: [], external: false };
    expect(await alice.call('room.commit', commit)).toMatchObject({ ok: true, seq: 1 });
    const msgs = [1, 2, 3].map(() => ({ roomId, epoch: 1, msgId: hexId(), kind: 'application', data: framedApp(roomId, 1, 200) }));
    for (const m of msgs) expect((await alice.call('room.send', m)).ok).toBe(true);
    const before = await alice.call('room.fetch', { roomId, after: 0, limit: 100 });
    alice.close();
    bob.close();

    relay = await relay.restart();
    // Same key: a known account, not a new registration; another key cannot take the handle.
    const alice2 = await connectClient(relay.url, 'alice', aliceId);
    await expect(connectClient(relay.url, 'alice')).rejects.toThrow('ERR_RELAY_HANDLE_TAKEN');
    const bob2 = await connectClient(relay.url, 'bob', bobId);
    expect(await alice2.call('room.info', { roomId })).toEqual({
      ok: true,
      epoch: 1,
      open: false,
      lastSeq: 4,
      groupInfo: null,
      members: ['alice', 'bob'],
    });
    expect(await bob2.call('room.fetch', { roomId, after: 0, limit: 100 })).toEqual(before);
    expect(before.entries.map((e: { data: string }) => e.data)).toEqual([commit.commit, ...msgs.map((m) => m.data)]);
    const welcomes = await bob2.call('welcome.list', {});
    expect(welcomes.welcomes).toMatchObject([{ roomId, seq: 1, epoch: 1, data: commit.welcome }]);
    expect(await bob2.call('kp.count', {})).toEqual({ ok: true, available: 1, lastResort: true });
    // The claimed package is gone for good.
    const next = await alice2.call('kp.claim', { handle: 'bob' });
    expect(next.keyPackage).not.toBe(claimed.keyPackage);
    expect(kps).toContain(next.keyPackage);
    // Ordering state survived: epoch 0 is stale, dedupe still recognises old msgIds.
    expect(await alice2.call('room.commit', { ...commit, msgId: hexId() })).toMatchObject({ ok: false, code: 'ERR_RELAY_STALE_EPOCH' });
    expect(await alice2.call('room.send', msgs[0])).toEqual({ ok: true, seq: 2, duplicate: true });
    // Routing survived too: bob's new socket is in the room again.
    const live = { roomId, epoch: 1, msgId: hexId(), kind: 'application', data: framedApp(roomId, 1, 10) };
    expect(await alice2.call('room.send', live)).toMatchObject({ ok: true, seq: 5 });
    await expect.poll(() => bob2.entries.map((e) => e.msgId)).toEqual([live.msgId]);
    alice2.close();
    bob2.close();
  });
});
