import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SealroomClient } from '@sealroom/client';
import { device, inviteAndWait, relayIn, tempDir, until } from '../harness.js';

// A device removed while offline and invited again: at its next login the new Welcome arrives while its
// record still says `active`. It used to be skipped (and acknowledged, so the relay deleted it) before the
// catch-up showed the removal: the invitation was lost without a word.
describe('removed while offline, then invited again', () => {
  const tmp = tempDir('reinvite-offline');
  let relay: Awaited<ReturnType<typeof relayIn>>;
  let alice: SealroomClient, bob: SealroomClient;
  beforeAll(async () => {
    relay = await relayIn(`${tmp.dir}/server`);
    alice = await device(relay.url, `${tmp.dir}/alice`, 'alice');
    bob = await device(relay.url, `${tmp.dir}/bob`, 'bob');
  });
  afterAll(async () => {
    await Promise.all([alice?.close(), bob?.close()]);
    await relay?.close();
    tmp.cleanup();
  });

  it('bob sees the new invitation, accepts it, and reads the room again', async () => {
    const { roomId } = await alice.createRoom('Again', false);
    await inviteAndWait(alice, bob, roomId);
    await bob.close();
    await alice.remove(roomId, 'bob');
    await alice.invite(roomId, 'bob');
    bob = await device(relay.url, `${tmp.dir}/bob`, 'bob');
    await until('bob to see the new invitation', async () => (await bob.invitations()).some((i) => i.roomId === roomId), 15_000);
    await bob.acceptInvitation(roomId);
    await until('bob to be back', async () => (await bob.getRoom(roomId)).status === 'active');
    await alice.sendText(roomId, 'welcome back');
    await until('bob to read it', async () => (await bob.messages(roomId)).some((m) => m.text === 'welcome back'));
    expect((await bob.securityEvents()).filter((e) => e.roomId === roomId && e.kind === 'invitation-refused')).toEqual([]);
  });
});
