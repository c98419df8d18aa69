import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  blob,
  connectClient,
  hexId,
  sleep,
  startTestRelay,
  stopTestRelay,
  waitUntil,
  type TestClient,
  type TestRelay,
} from './helpers.js';
import { framedApp, framedCommit, framedGroupInfo, framedPrivate, framedWelcome } from './framed.js';
import { generateIdentity, honestJoin, newOpenGroup, relayIdentityOf } from './mls-fixtures.js';
import type { Identity as MlsIdentity } from '@sealroom/mls';

let relay: TestRelay;
const clients: TestClient[] = [];
let n = 0;
/** A fresh authenticated client with a unique handle. */
async function user(name: string): Promise<TestClient> {
  const c = await connectClient(relay.url, `${name}-${n++}`);
  clients.push(c);
  return c;
}
/** A client whose relay login key is the MLS identity's key (external commits are checked against it). */
async function mlsUser(id: MlsIdentity): Promise<TestClient> {
  const c = await connectClient(relay.url, id.handle, relayIdentityOf(id));
  clients.push(c);
  return c;
}
/** Every blob a test sent, to check that none shows up in the relay's log lines. */
const sentBlobs: string[] = [];
function payload(bytes = 64): string {
  return track(blob(bytes));
}
function track(b: string): string {
  sentBlobs.push(b);
  return b;
}

type CommitArgs = { roomId: string; epoch: number; adds?: string[]; removes?: string[]; external?: boolean; welcome?: string; groupInfo?: string; msgId?: string };
function commitReq(a: CommitArgs): Record<string, unknown> {
  return {
    roomId: a.roomId,
    epoch: a.epoch,
    msgId: a.msgId ?? hexId(),
    commit: track(framedCommit(a.roomId, a.epoch)),
    adds: a.adds ?? [],
    removes: a.removes ?? [],
    external: a.external ?? false,
    ...(a.welcome === undefined ? {} : { welcome: a.welcome }),
    ...(a.groupInfo === undefined ? {} : { groupInfo: a.groupInfo }),
  };
}
function sendReq(roomId: string, epoch: number, msgId = hexId()): Record<string, unknown> {
  return { roomId, epoch, msgId, kind: 'application', data: track(framedApp(roomId, epoch)) };
}

/** A closed room created by a fresh user, with `others` invited by one commit (epoch 1 afterwards). */
async function roomWith(...others: TestClient[]): Promise<{ roomId: string; owner: TestClient }> {
  const owner = await user('owner');
  const roomId = hexId();
  expect(await owner.call('room.create', { roomId, open: false })).toEqual({ ok: true, seq: 0 });
  if (others.length > 0) {
    const res = await owner.call('room.commit', commitReq({ roomId, epoch: 0, adds: others.map((o) => o.handle), welcome: track(framedWelcome()) }));
    expect(res).toEqual({ ok: true, seq: 1, duplicate: false });
  }
  return { roomId, owner };
}

beforeAll(async () => {
  relay = await startTestRelay();
});
afterAll(async () => {
  for (const c of clients) c.close();
  // B1 (relay side): no payload bytes in any log line.
  const logs = relay.logs.join('\n');
  expect(relay.logs.length).toBeGreaterThan(10);
  for (const b of sentBlobs) expect(logs.includes(b)).toBe(false);
  await stopTestRelay(relay);
});

describe('room.create / room.info', () => {
  it('creates a closed room at epoch 0 and shows it only to members', async () => {
    const alice = await user('alice');
    const eve = await user('eve');
    const roomId = hexId();
    expect(await alice.call('room.create', { roomId, open: false })).toEqual({ ok: true, seq: 0 });
    expect(await alice.call('room.info', { roomId })).toEqual({
      ok: true,
      epoch: 0,
      open: false,
      lastSeq: 0,
      groupInfo: null,
      members: [alice.handle],
    });
    expect(await eve.call('room.info', { roomId })).toMatchObject({ ok: false, code: 'ERR_RELAY_NOT_MEMBER' });
    expect(await eve.call('room.create', { roomId, open: false })).toMatchObject({ ok: false, code: 'ERR_RELAY_ROOM_EXISTS' });
    expect(await alice.call('room.info', { roomId: hexId() })).toMatchObject({ ok: false, code: 'ERR_RELAY_UNKNOWN_ROOM' });
    expect(await alice.call('rooms.mine', {})).toEqual({ ok: true, rooms: [{ roomId, epoch: 0, lastSeq: 0, open: false }] });
  });

  it('requires GroupInfo for open rooms and shows it to anyone', async () => {
    const alice = await user('alice');
    const eve = await user('eve');
    const roomId = hexId();
    expect(await alice.call('room.create', { roomId, open: true })).toMatchObject({ ok: false, code: 'ERR_RELAY_BAD_REQUEST' });
    const groupInfo = track(framedGroupInfo(roomId, 0, 400));
    expect(await alice.call('room.create', { roomId, open: true, groupInfo })).toEqual({ ok: true, seq: 0 });
    expect(await eve.call('room.info', { roomId })).toEqual({
      ok: true,
      epoch: 0,
      open: true,
      lastSeq: 0,
      groupInfo,
      members: [alice.handle],
    });
  });
});

describe('invite: commit with Welcome', () => {
  it('stores and pushes the Welcome after the commit, and the joiner catches up from its seq', async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    const roomId = hexId();
    await alice.call('room.create', { roomId, open: false });
    const first = sendReq(roomId, 0);
    expect(await alice.call('room.send', first)).toEqual({ ok: true, seq: 1, duplicate: false });

    const welcome = track(framedWelcome(1, 2000));
    const commit = commitReq({ roomId, epoch: 0, adds: [bob.handle], welcome });
    expect(await alice.call('room.commit', commit)).toEqual({ ok: true, seq: 2, duplicate: false });
    await waitUntil(() => bob.welcomes.length === 1);
    const w = bob.welcomes[0];
    expect(w).toMatchObject({ roomId, seq: 2, epoch: 1, data: welcome });
    expect(await bob.call('welcome.list', {})).toEqual({ ok: true, welcomes: [w] });
    // The committer's own socket gets the entry too (clients dedupe by msgId).
    await waitUntil(() => alice.entries.some((e) => e.msgId === commit.msgId));
    expect(alice.entries.find((e) => e.msgId === commit.msgId)).toMatchObject({
      roomId,
      seq: 2,
      kind: 'commit',
      sender: alice.handle,
      epoch: 0,
      data: commit.commit,
    });

    // Joiner catches up after the seq of the commit that added it: nothing yet.
    expect(await bob.call('room.fetch', { roomId, after: w?.seq, limit: 100 })).toEqual({ ok: true, entries: [], lastSeq: 2 });
    expect(await bob.call('room.info', { roomId })).toMatchObject({ ok: true, epoch: 1, members: [alice.handle, bob.handle].sort() });
    expect(await bob.call('rooms.mine', {})).toEqual({ ok: true, rooms: [{ roomId, epoch: 1, lastSeq: 2, open: false }] });

    // Bob's socket was joined to the room: he receives the next message live.
    const next = sendReq(roomId, 1);
    expect(await alice.call('room.send', next)).toEqual({ ok: true, seq: 3, duplicate: false });
    await waitUntil(() => bob.entries.length === 1);
    expect(bob.entries[0]).toMatchObject({ seq: 3, kind: 'application', epoch: 1, msgId: next.msgId, data: next.data, sender: alice.handle });

    // Acknowledging: only one's own.
    expect(await alice.call('welcome.ack', { id: w?.id })).toEqual({ ok: true });
    expect((await bob.call('welcome.list', {})).welcomes).toHaveLength(1);
    expect(await bob.call('welcome.ack', { id: w?.id })).toEqual({ ok: true });
    expect(await bob.call('welcome.list', {})).toEqual({ ok: true, welcomes: [] });
  });

  it('never stores or pushes a Welcome for a rejected commit', async () => {
    const carol = await user('carol');
    const bob = await user('bob');
    const { roomId, owner } = await roomWith(bob);
    // Stale epoch (room is at 1).
    const stale = await owner.call('room.commit', commitReq({ roomId, epoch: 0, adds: [carol.handle], welcome: track(framedWelcome()) }));
    expect(stale).toMatchObject({ ok: false, code: 'ERR_RELAY_STALE_EPOCH' });
    // Unknown handle in adds.
    const unknown = await owner.call('room.commit', commitReq({ roomId, epoch: 1, adds: [carol.handle, 'no-such-user'], welcome: track(framedWelcome()) }));
    expect(unknown).toMatchObject({ ok: false, code: 'ERR_RELAY_UNKNOWN_HANDLE' });
    // Not a member.
    const outsider = await carol.call('room.commit', commitReq({ roomId, epoch: 1, adds: [carol.handle], welcome: track(framedWelcome()) }));
    expect(outsider).toMatchObject({ ok: false, code: 'ERR_RELAY_NOT_MEMBER' });
    await sleep(100);
    expect(carol.welcomes).toEqual([]);
    expect(await carol.call('welcome.list', {})).toEqual({ ok: true, welcomes: [] });
    expect(await carol.call('room.fetch', { roomId, after: 0, limit: 10 })).toMatchObject({ ok: false, code: 'ERR_RELAY_NOT_MEMBER' });
    expect(await owner.call('room.info', { roomId })).toMatchObject({ epoch: 1, lastSeq: 1 });
  });
});

describe('ordering', () => {
  it('accepts exactly one of two concurrent commits at the same epoch', async () => {
    const bob = await user('bob');
    const { roomId, owner } = await roomWith(bob);
    const before = await owner.call('room.info', { roomId });
    const a = commitReq({ roomId, epoch: 1 });
    const b = commitReq({ roomId, epoch: 1 });
    const [ra, rb] = await Promise.all([owner.call('room.commit', a), bob.call('room.commit', b)]);
    const results = [ra, rb];
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.code === 'ERR_RELAY_STALE_EPOCH')).toHaveLength(1);
    const winner = ra?.ok === true ? a : b;
    const after = await owner.call('room.info', { roomId });
    expect(after).toMatchObject({ epoch: before.epoch + 1, lastSeq: before.lastSeq + 1 });
    const log = await owner.call('room.fetch', { roomId, after: before.lastSeq, limit: 10 });
    expect(log.entries).toHaveLength(1);
    expect(log.entries[0]).toMatchObject({ msgId: winner.msgId, data: winner.commit, epoch: 1, kind: 'commit' });
  });

  it('dedupes sends and commits by msgId, even after the epoch moved on', async () => {
    const bob = await user('bob');
    const { roomId, owner } = await roomWith(bob);
    const msg = sendReq(roomId, 1);
    expect(await bob.call('room.send', msg)).toEqual({ ok: true, seq: 2, duplicate: false });
    expect(await bob.call('room.send', msg)).toEqual({ ok: true, seq: 2, duplicate: true });
    const commit = commitReq({ roomId, epoch: 1 });
    expect(await owner.call('room.commit', commit)).toEqual({ ok: true, seq: 3, duplicate: false });
    expect(await owner.call('room.commit', commit)).toEqual({ ok: true, seq: 3, duplicate: true });
    // A retried send whose epoch has since ended is still recognised as the original, not stale.
    expect(await bob.call('room.send', msg)).toEqual({ ok: true, seq: 2, duplicate: true });
    expect(await owner.call('room.info', { roomId })).toMatchObject({ epoch: 2, lastSeq: 3 });
    const log = await bob.call('room.fetch', { roomId, after: 0, limit: 100 });
    expect(log.entries.map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3]);
    // Removed since: bob's retry of his own accepted message is still recognised (not NOT_MEMBER, which would
    // make his client mark a delivered message failed); someone else's copy of the id is not.
    expect(await owner.call('room.commit', commitReq({ roomId, epoch: 2, removes: [bob.handle] }))).toMatchObject({ ok: true, seq: 4 });
    expect(await bob.call('room.send', msg)).toEqual({ ok: true, seq: 2, duplicate: true });
    const eve = await user('eve');
    expect(await eve.call('room.send', msg)).toMatchObject({ ok: false, code: 'ERR_RELAY_NOT_MEMBER' });
  });

  it('rejects application messages from another epoch', async () => {
    const bob = await user('bob');
    const { roomId, owner } = await roomWith(bob);
    expect(await owner.call('room.send', sendReq(roomId, 0))).toMatchObject({ ok: false, code: 'ERR_RELAY_STALE_EPOCH' });
    expect(await owner.call('room.send', sendReq(roomId, 2))).toMatchObject({ ok: false, code: 'ERR_RELAY_STALE_EPOCH' });
    expect(await owner.call('room.info', { roomId })).toMatchObject({ epoch: 1, lastSeq: 1 });
    expect(await owner.call('room.send', { ...sendReq(roomId, 1), kind: 'proposal', data: framedPrivate(roomId, 1, 'proposal') })).toEqual({ ok: true, seq: 2, duplicate: false });
  });

  it('serves catch-up pages in order, byte-exact', async () => {
    const bob = await user('bob');
    const { roomId, owner } = await roomWith(bob);
    const sent: Record<string, unknown>[] = [];
    for (let i = 0; i < 6; i++) {
      const m = sendReq(roomId, 1);
      sent.push(m);
      expect((await owner.call('room.send', m)).seq).toBe(2 + i);
    }
    const page = await bob.call('room.fetch', { roomId, after: 3, limit: 2 });
    expect(page.lastSeq).toBe(7);
    expect(page.entries.map((e: { seq: number }) => e.seq)).toEqual([4, 5]);
    expect(page.entries.map((e: { data: string }) => e.data)).toEqual([sent[2]?.data, sent[3]?.data]);
    expect((await bob.call('room.fetch', { roomId, after: 7, limit: 10 })).entries).toEqual([]);
    expect(await bob.call('room.fetch', { roomId, after: 0, limit: 501 })).toMatchObject({ ok: false, code: 'ERR_RELAY_BAD_REQUEST' });
  });
});

describe('membership routing', () => {
  it('a removed member sees its removal, then nothing more', async () => {
    const bob = await user('bob');
    const carol = await user('carol');
    const { roomId, owner } = await roomWith(bob, carol);
    const removal = commitReq({ roomId, epoch: 1, removes: [bob.handle] });
    expect(await owner.call('room.commit', removal)).toMatchObject({ ok: true, seq: 2 });
    await waitUntil(() => bob.entries.some((e) => e.msgId === removal.msgId));
    const after = sendReq(roomId, 2);
    expect(await owner.call('room.send', after)).toMatchObject({ ok: true, seq: 3 });
    await waitUntil(() => carol.entries.some((e) => e.msgId === after.msgId));
    await sleep(50);
    expect(bob.entries.map((e) => e.msgId)).toEqual([removal.msgId]);
    expect(await bob.call('room.send', sendReq(roomId, 2))).toMatchObject({ ok: false, code: 'ERR_RELAY_NOT_MEMBER' });
    // bob may read up to and including the commit that removed him (so MLS can tell him), never past it.
    const upTo = await bob.call('room.fetch', { roomId, after: 0, limit: 10 });
    expect(upTo).toMatchObject({ ok: true, lastSeq: 2 });
    expect((upTo as unknown as { entries: { seq: number }[] }).entries.map((e) => e.seq)).toEqual([1, 2]);
    expect(await bob.call('room.fetch', { roomId, after: 2, limit: 10 })).toMatchObject({ ok: false, code: 'ERR_RELAY_NOT_MEMBER' });
    // Removal also drops the Welcome bob never processed; carol's stays.
    expect(await bob.call('welcome.list', {})).toEqual({ ok: true, welcomes: [] });
    expect((await carol.call('welcome.list', {})).welcomes).toHaveLength(1);
    expect(await carol.call('room.info', { roomId })).toMatchObject({ members: [carol.handle, owner.handle].sort() });
  });

  it('room.leave stops delivery to the leaver', async () => {
    const bob = await user('bob');
    const { roomId, owner } = await roomWith(bob);
    expect(await bob.call('room.leave', { roomId })).toEqual({ ok: true });
    expect(await bob.call('room.leave', { roomId })).toEqual({ ok: true });
    expect(await bob.call('rooms.mine', {})).toEqual({ ok: true, rooms: [] });
    const m = sendReq(roomId, 1);
    await owner.call('room.send', m);
    await waitUntil(() => owner.entries.some((e) => e.msgId === m.msgId));
    await sleep(50);
    expect(bob.entries).toEqual([]);
    expect(await bob.call('room.leave', { roomId: hexId() })).toMatchObject({ ok: false, code: 'ERR_RELAY_UNKNOWN_ROOM' });
  });
});

describe('open rooms: external commit', () => {
  it('rejects an external commit into a closed room', async () => {
    const eve = await user('eve');
    const { roomId, owner } = await roomWith();
    expect(await eve.call('room.commit', commitReq({ roomId, epoch: 0, external: true, groupInfo: payload() }))).toMatchObject({
      ok: false,
      code: 'ERR_RELAY_ROOM_CLOSED',
    });
    expect(await owner.call('room.info', { roomId })).toMatchObject({ epoch: 0, lastSeq: 0, members: [owner.handle] });
  });

  it('lets a non-member join an open room, publishing the new GroupInfo', async () => {
    // Real MLS: the relay reads external commits (public framing), so they must be real ones.
    const alice = await user('alice');
    const roomId = hexId();
    const mAlice = await generateIdentity(alice.handle);
    const opened = await newOpenGroup(mAlice, roomId);
    await alice.call('room.create', { roomId, open: true, groupInfo: opened.groupInfo });
    const mDan = await generateIdentity(`dan-${n++}`);
    const dan = await mlsUser(mDan);
    const info = await dan.call('room.info', { roomId });
    const danAt0 = await honestJoin(info.groupInfo as string, mDan);
    expect(await dan.call('room.commit', { ...commitReq({ roomId, epoch: info.epoch, external: true }), commit: danAt0.commit })).toMatchObject({
      ok: false,
      code: 'ERR_RELAY_BAD_REQUEST',
    });
    // Another external commit wins first: the loser gets STALE_EPOCH and retries at the new epoch.
    const mErin = await generateIdentity(`erin-${n++}`);
    const erin = await mlsUser(mErin);
    const erinJoin = await honestJoin(opened.groupInfo, mErin);
    const gi1 = erinJoin.groupInfo;
    expect(await erin.call('room.commit', { ...commitReq({ roomId, epoch: 0, external: true, groupInfo: gi1 }), commit: erinJoin.commit })).toMatchObject({ ok: true, seq: 1 });
    expect(await dan.call('room.commit', { ...commitReq({ roomId, epoch: 0, external: true, groupInfo: danAt0.groupInfo }), commit: danAt0.commit })).toMatchObject({
      ok: false,
      code: 'ERR_RELAY_STALE_EPOCH',
    });
    expect(await dan.call('room.info', { roomId })).toMatchObject({ epoch: 1, groupInfo: gi1 });
    const danAt1 = await honestJoin(gi1, mDan);
    const gi2 = danAt1.groupInfo;
    const join: Record<string, unknown> = { ...commitReq({ roomId, epoch: 1, external: true, groupInfo: gi2 }), commit: danAt1.commit };
    expect(await dan.call('room.commit', join)).toEqual({ ok: true, seq: 2, duplicate: false });
    await waitUntil(() => alice.entries.some((e) => e.msgId === join.msgId));
    expect(await dan.call('room.info', { roomId })).toEqual({
      ok: true,
      epoch: 2,
      open: true,
      lastSeq: 2,
      groupInfo: gi2,
      members: [alice.handle, dan.handle, erin.handle].sort(),
    });
    // Members' commits in an open room must carry GroupInfo too.
    expect(await alice.call('room.commit', commitReq({ roomId, epoch: 2 }))).toMatchObject({ ok: false, code: 'ERR_RELAY_BAD_REQUEST' });
    // Dan now receives room traffic.
    const m = sendReq(roomId, 2);
    await alice.call('room.send', m);
    await waitUntil(() => dan.entries.some((e) => e.msgId === m.msgId));
  });
});
