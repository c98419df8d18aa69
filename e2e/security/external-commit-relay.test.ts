import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SealroomClient } from '@sealroom/client';
import { generateIdentity, type Identity } from '@sealroom/mls';
import { toBase64 } from '@sealroom/protocol';
import { framedGroupInfo } from '../../packages/server/test/framed.js';
import { connectClient, hexId, type TestClient } from '../../packages/server/test/helpers.js';
import { craftExternalCommit, honestJoin, leafIsHandle, relayIdentityOf } from '../../packages/server/test/mls-fixtures.js';
import { device, relayIn, tempDir, until, waitForText, type Relay } from '../harness.js';

// RFC 9420 §12.4.3.2 at the relay: anyone may join an open room, but only as themselves and only by adding
// themselves. Real relay, real SQLite, real clients for the honest side; ts-mls directly for the attacker.

describe('security: the relay checks external commits into open rooms', () => {
  const tmp = tempDir('external-commit');
  let relay: Relay;
  let alice: SealroomClient;
  let bob: SealroomClient;
  let roomId: string;
  let mallory: Identity;
  let m: TestClient;

  beforeAll(async () => {
    relay = await relayIn(`${tmp.dir}/server`);
    alice = await device(relay.url, `${tmp.dir}/alice`, 'alice');
    roomId = (await alice.createRoom('Open house', true)).roomId;
    mallory = await generateIdentity('mallory');
    m = await connectClient(relay.url, 'mallory', relayIdentityOf(mallory));
  });
  afterAll(async () => {
    m?.close();
    await Promise.all([alice?.close(), bob?.close()]);
    await relay?.close();
    tmp.cleanup();
  });

  const info = () => m.call('room.info', { roomId });
  const external = (epoch: number, commit: string, groupInfo: string) => ({
    roomId, epoch, msgId: hexId(), commit, groupInfo, adds: [], removes: [], external: true,
  });

  /** Sends the commit and checks that it was refused and that the room (epoch, log, GroupInfo) is untouched. */
  async function refused(commit: string): Promise<void> {
    const before = await info();
    const res = await m.call('room.commit', external(before.epoch as number, commit, before.groupInfo as string));
    expect(res).toMatchObject({ ok: false, code: 'ERR_RELAY_COMMIT_REFUSED' });
    expect(await info()).toEqual(before);
  }

  it('refuses an external commit whose joiner credential is not the caller', async () => {
    const gi = (await info()).groupInfo as string;
    await refused(await craftExternalCommit(gi, mallory, { credentialHandle: 'alice' }));
  });

  it('refuses junk marked external, leaving epoch and GroupInfo as they were', async () => {
    await refused(toBase64(new Uint8Array([0, 1, 0, 2, 0, 0, 0, 0])));
    await refused(toBase64(crypto.getRandomValues(new Uint8Array(200))));
  });

  it('accepts an honest join by a real client; the room works for everyone afterwards', async () => {
    bob = await device(relay.url, `${tmp.dir}/bob`, 'bob');
    await bob.joinRoom(roomId);
    await until('alice to see bob', async () => (await alice.members(roomId)).some((x) => x.handle === 'bob'));
    await alice.sendText(roomId, 'welcome bob');
    await waitForText(bob, roomId, 'welcome bob');
  });

  it('refuses an external commit that removes another member', async () => {
    const gi = (await info()).groupInfo as string;
    await refused(await craftExternalCommit(gi, mallory, { removeLeafWhere: leafIsHandle('alice') }));
  });

  it("accepts a rejoin that removes the caller's own old leaf", async () => {
    const first = await info();
    const join = await honestJoin(first.groupInfo as string, mallory);
    expect(await m.call('room.commit', external(first.epoch as number, join.commit, join.groupInfo))).toMatchObject({ ok: true });
    const now = await info();
    const rejoin = await craftExternalCommit(now.groupInfo as string, mallory, { removeLeafWhere: leafIsHandle('mallory') });
    // A crafted resync has no GroupInfo of its own; one framed for the next epoch is all the relay can check.
    const res = await m.call('room.commit', { ...external(now.epoch as number, rejoin, framedGroupInfo(roomId, (now.epoch as number) + 1)), removes: ['mallory'] });
    expect(res).toMatchObject({ ok: true });
    expect(await info()).toMatchObject({ epoch: (now.epoch as number) + 1 });
    // Relay side only: whether members follow a resync is the client's policy (see the report of this change).
  });
});
