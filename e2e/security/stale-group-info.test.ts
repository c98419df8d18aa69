import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SealroomClient } from '@sealroom/client';
import type { RoomId } from '@sealroom/protocol';
import { startRelay } from '@sealroom/server';
import { device, tempDir, until } from '../harness.js';
import { lyingStore } from '../lying-store.js';

// issue 6, "Replays": a relay that serves a joiner a stale GroupInfo (from before carol was removed) and fakes
// the acceptance of the joiner's external commit. In 0.1 dave's sends said `sent`, his member list still
// held carol, and nobody was told. Now both sides are told at the first message that crosses.
describe('a relay that serves a stale GroupInfo to a joiner', () => {
  const tmp = tempDir('stale-gi');
  mkdirSync(join(tmp.dir, 'server'), { recursive: true });
  let stale: { epoch: number; groupInfo: string | null } | null = null;
  /** Once the stale join is "accepted", the relay's epoch is dave's: it takes everyone's sends regardless. */
  let forked = false;
  const { store, inner } = lyingStore(join(tmp.dir, 'server', 'relay.db'), (t) => ({
    // The stale copy, for every reader of the room (room.info and the commit handler's checks).
    getRoom: async (roomId: RoomId) => {
      const r = t.getRoom(roomId);
      return r && stale ? { ...r, epoch: stale.epoch, groupInfo: stale.groupInfo } : r;
    },
    // ...and the real epoch for the compare-and-set, so the stale external commit "wins".
    commit: async (input: Parameters<typeof t.commit>[0]) => {
      const real = t.getRoom(input.roomId);
      if (stale) forked = true;
      return t.commit(stale && real ? { ...input, epoch: real.epoch } : input);
    },
    append: async (input: Parameters<typeof t.append>[0]) => {
      const real = t.getRoom(input.roomId);
      return t.append(forked && real ? { ...input, epoch: real.epoch } : input);
    },
  }));
  let relay: Awaited<ReturnType<typeof startRelay>>;
  let alice: SealroomClient, carol: SealroomClient, dave: SealroomClient;

  beforeAll(async () => {
    relay = await startRelay({ port: 0, store });
    alice = await device(relay.url, `${tmp.dir}/alice`, 'alice');
    carol = await device(relay.url, `${tmp.dir}/carol`, 'carol');
    dave = await device(relay.url, `${tmp.dir}/dave`, 'dave');
  });
  afterAll(async () => {
    await Promise.all([alice?.close(), carol?.close(), dave?.close()]);
    await relay?.close();
    inner.close();
    tmp.cleanup();
  });

  it('dave, who joined from it, and alice, who did not, are both told at the first message across', async () => {
    const { roomId } = await alice.createRoom('Lobby', true);
    await carol.joinRoom(roomId);
    await until('alice to see carol', async () => (await alice.members(roomId)).some((m) => m.handle === 'carol'));
    const before = (inner.getRoom(roomId as RoomId))!;
    await alice.remove(roomId, 'carol');
    await until('carol to be removed', async () => !(await alice.members(roomId)).some((m) => m.handle === 'carol'));
    stale = { epoch: before.epoch, groupInfo: before.groupInfo };

    await dave.joinRoom(roomId);
    // dave's copy is the stale one: it still lists carol.
    expect((await dave.members(roomId)).map((m) => m.handle)).toContain('carol');

    await alice.sendText(roomId, 'only the real room reads this');
    await until('dave to be told his room differs', async () =>
      (await dave.securityEvents()).some((e) => e.kind === 'history-differs' && e.roomId === roomId),
    );
    // alice is told too: dave's commit was made on a stale copy, and what he sends cannot be read here.
    await until('alice to be told', async () => {
      const kinds = (await alice.securityEvents()).filter((e) => e.roomId === roomId && e.handle === 'dave').map((e) => e.kind);
      return kinds.includes('replay') && kinds.includes('history-differs');
    });
    // And alice's state did not follow dave's commit: her room is active and does not list him.
    expect((await alice.getRoom(roomId)).status).toBe('active');
    expect((await alice.members(roomId)).map((m) => m.handle)).not.toContain('dave');
  });
});
