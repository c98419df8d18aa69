import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SealroomClient } from '@sealroom/client';
import { SqliteClientStore } from '@sealroom/proxy';
import { device, inviteAndWait, relayIn, tempDir, until, waitForInvitation, waitForText, type Relay } from '../harness.js';

describe('invitations', () => {
  const tmp = tempDir('invites');
  let relay: Relay;
  const clients: SealroomClient[] = [];

  beforeAll(async () => {
    relay = await relayIn(`${tmp.dir}/server`);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await relay?.close();
    tmp.cleanup();
  });

  it('survive a restart, and accepting one catches up on what was said meanwhile', async () => {
    const alice = await device(relay.url, `${tmp.dir}/alice`, 'alice');
    let bob = await device(relay.url, `${tmp.dir}/bob`, 'bob');
    clients.push(alice);
    const roomId = (await alice.createRoom('Later', false)).roomId;
    await alice.invite(roomId, 'bob');
    await waitForInvitation(bob, roomId);
    await bob.close();
    await alice.sendText(roomId, 'said before bob accepted');
    bob = await device(relay.url, `${tmp.dir}/bob`, 'bob');
    clients.push(bob);
    expect((await bob.invitations()).map((i) => i.roomId)).toEqual([roomId]);
    await bob.acceptInvitation(roomId);
    await waitForText(bob, roomId, 'said before bob accepted');
    expect(await bob.invitations()).toEqual([]);
    await expect(bob.acceptInvitation(roomId)).rejects.toMatchObject({ code: 'ERR_PROXY_UNKNOWN_INVITATION' });
  });

  it('--auto-accept verified: joins invitations from verified contacts only', async () => {
    const carol = await device(relay.url, `${tmp.dir}/carol`, 'carol');
    const dave = await device(relay.url, `${tmp.dir}/dave`, 'dave');
    const erin = new SealroomClient({ store: new SqliteClientStore(`${tmp.dir}/erin`), serverUrl: relay.url, autoAccept: 'verified' });
    clients.push(carol, dave, erin);
    await erin.start();
    await erin.onboard('erin');
    // erin meets carol and verifies her (a first room needs an explicit accept: carol is not verified yet).
    const first = (await carol.createRoom('Meet', false)).roomId;
    await inviteAndWait(carol, erin, first);
    await erin.verify('carol', (await erin.safetyNumber('carol')).digits);
    // Now carol's invitations join by themselves; dave's (unverified) wait.
    const fromCarol = (await carol.createRoom('From a verified contact', false)).roomId;
    await carol.invite(fromCarol, 'erin');
    await until('erin to auto-join', async () => (await erin.listRooms()).some((r) => r.roomId === fromCarol && r.status === 'active'));
    const fromDave = (await dave.createRoom('From a stranger', false)).roomId;
    await dave.invite(fromDave, 'erin');
    await waitForInvitation(erin, fromDave);
    // Something erin's device does after that, to be sure no late auto-accept of dave's is on its way.
    const again = (await carol.createRoom('Second from carol', false)).roomId;
    await carol.invite(again, 'erin');
    await until('erin to auto-join again', async () => (await erin.listRooms()).some((r) => r.roomId === again && r.status === 'active'));
    expect((await erin.listRooms()).some((r) => r.roomId === fromDave)).toBe(false);
    expect((await erin.invitations()).map((i) => i.roomId)).toEqual([fromDave]);
  });
});
