import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SealroomClient } from '@sealroom/client';
import type { Handle, LogEntry, WelcomeEnvelope } from '@sealroom/protocol';
import { startRelay } from '@sealroom/server';
import { device, inviteAndWait, tempDir, until, waitForText } from '../harness.js';
import { lyingStore } from '../lying-store.js';

// issue 6, "Replays" (0.1: a replayed old Welcome brought back a room bob had left; a replayed old commit
// stopped the room on that device for good). A relay that keeps old bytes and serves them again.
describe('a relay that replays old Welcomes and commits', () => {
  const tmp = tempDir('replays');
  mkdirSync(join(tmp.dir, 'server'), { recursive: true });
  const welcomesTo = new Map<string, WelcomeEnvelope[]>();
  /** Welcomes the relay will hand out again, on top of the real ones, until they are acknowledged. */
  const replayed: WelcomeEnvelope[] = [];
  /** Per seq: what the relay serves in place of the real entry at that seq (fetch only). */
  const substitute = new Map<number, LogEntry>();
  const { store, inner } = lyingStore(join(tmp.dir, 'server', 'relay.db'), (t) => ({
    // Always the last-resort key package: reusable, so a replayed Welcome would still open (the strongest replay).
    claimKeyPackage: (h: Handle) => t.claimKeyPackage(h, true),
    commit: async (input: Parameters<typeof t.commit>[0]) => {
      const res = t.commit(input);
      if (res.status === 'appended') for (const w of res.welcomes) welcomesTo.set(w.handle, [...(welcomesTo.get(w.handle) ?? []), w.welcome]);
      return res;
    },
    listWelcomes: async (h: Handle, bounds?: Parameters<typeof t.listWelcomes>[1]) => [...(t.listWelcomes(h, bounds)), ...replayed],
    deleteWelcome: async (h: Handle, id: number) => {
      const i = replayed.findIndex((w) => w.id === id);
      if (i < 0) return t.deleteWelcome(h, id);
      replayed.splice(i, 1);
      return true;
    },
    fetchEntries: async (...args: Parameters<typeof t.fetchEntries>) => (t.fetchEntries(...args)).map((e) => substitute.get(e.seq) ?? e),
  }));
  let relay: Awaited<ReturnType<typeof startRelay>>;
  let alice: SealroomClient, bob: SealroomClient;
  const restartBob = async () => {
    await bob.close();
    bob = await device(relay.url, `${tmp.dir}/bob`, 'bob');
  };

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

  it('a replayed Welcome does not bring back a room bob left: refused, reported, acknowledged', async () => {
    const { roomId } = await alice.createRoom('Left behind', false);
    await inviteAndWait(alice, bob, roomId);
    await alice.sendText(roomId, 'before bob leaves');
    await waitForText(bob, roomId, 'before bob leaves');
    await bob.leave(roomId);
    await until('bob to have left', async () => !(await bob.listRooms()).some((r) => r.roomId === roomId && r.status === 'active'));
    const original = welcomesTo.get('bob')?.find((w) => w.roomId === roomId);
    expect(original).toBeDefined();

    replayed.push({ ...original!, id: 900_001 });
    await restartBob(); // the Welcome list is read at every connect
    await until('the replayed Welcome to be acknowledged', async () => replayed.length === 0);
    expect((await bob.invitations()).map((i) => i.roomId)).not.toContain(roomId);
    expect((await bob.listRooms()).some((r) => r.roomId === roomId && r.status === 'active')).toBe(false);
    // The user is told why nothing happened.
    const refused = (await bob.securityEvents()).filter((e) => e.kind === 'invitation-refused' && e.roomId === roomId);
    expect(refused.map((e) => e.text).join('\n')).toMatch(/replayed invitation/);
  });

  it('a replayed old commit is ignored and reported; the room stays active and keeps working', async () => {
    const { roomId } = await alice.createRoom('Replayed commit', false);
    await inviteAndWait(alice, bob, roomId);
    await alice.sendText(roomId, 'one');
    await waitForText(bob, roomId, 'one');
    // The commit that added bob (epoch 0 → 1), served again in place of a message sent while bob was away.
    const log = inner.fetchEntries(roomId as never, 0, 100);
    const oldCommit = log.find((e) => e.kind === 'commit');
    expect(oldCommit).toBeDefined();
    await bob.close();
    await alice.sendText(roomId, 'replaced by the relay');
    const last = (inner.fetchEntries(roomId as never, 0, 100)).at(-1)!;
    substitute.set(last.seq, { ...oldCommit!, seq: last.seq });
    bob = await device(relay.url, `${tmp.dir}/bob`, 'bob');
    await until('bob to catch up past the replay', async () => (await bob.getRoom(roomId)).lastSeq >= last.seq);
    expect((await bob.getRoom(roomId)).status).toBe('active');
    const replays = (await bob.securityEvents()).filter((e) => e.kind === 'replay' && e.roomId === roomId);
    expect(replays.map((e) => e.text).join('\n')).toMatch(/a commit of epoch 0 at seq \d+, but this room is at epoch 1: a replay/);
    substitute.clear();
    await alice.sendText(roomId, 'after the replay');
    await waitForText(bob, roomId, 'after the replay');
    await bob.sendText(roomId, 'and back');
    await waitForText(alice, roomId, 'and back');
  });
});
