import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SealroomClient } from '@sealroom/client';
import { startRelay } from '@sealroom/server';
import { device, tempDir, until } from '../harness.js';

// The relay pages welcome.list by bytes (issue 8, resource bounds). A device that was offline while it was
// invited to several rooms must see every invitation after one login, not one page per reconnect.
describe('pending Welcomes beyond one page', () => {
  const tmp = tempDir('welcome-pages');
  let relay: Awaited<ReturnType<typeof startRelay>>;
  let alice: SealroomClient, bob: SealroomClient;

  beforeAll(async () => {
    // One Welcome per answer: the smallest page the relay can send.
    relay = await startRelay({ port: 0, dataDir: `${tmp.dir}/server`, limits: { answerBytes: 1 } });
    alice = await device(relay.url, `${tmp.dir}/alice`, 'alice');
    bob = await device(relay.url, `${tmp.dir}/bob`, 'bob');
  });
  afterAll(async () => {
    await Promise.all([alice?.close(), bob?.close()]);
    await relay?.close();
    tmp.cleanup();
  });

  it('are all read after one login', async () => {
    await bob.close();
    const rooms = [];
    for (const name of ['One', 'Two', 'Three']) {
      const { roomId } = await alice.createRoom(name, false);
      await alice.invite(roomId, 'bob');
      rooms.push(roomId);
    }
    bob = await device(relay.url, `${tmp.dir}/bob`, 'bob');
    await until('bob to see all three invitations', async () => (await bob.invitations()).length === 3, 10_000);
    expect((await bob.invitations()).map((i) => i.roomId).sort()).toEqual([...rooms].sort());
  });
});
