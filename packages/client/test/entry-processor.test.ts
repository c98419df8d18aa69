import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  commitChanges,
  commitUpdate,
  createAuthenticationService,
  createGroup,
  createKeyPackage,
  encryptApplication,
  epochOf,
  generateIdentity,
  joinFromWelcome,
  makeClientConfig,
  proposeSelfRemove,
  type Group,
  type Identity,
} from '@sealroom/mls';
import { APP_PAYLOAD_VERSION, toBase64, type Handle, type LogEntry, type MessageId, type RoomId } from '@sealroom/protocol';
import { MemoryClientStore, type RoomRecord } from '../src/index.js';
import type { ClientEvents } from '../src/client-events.js';
import { ContactBook } from '../src/contact-book.js';
import type { EngineContext } from '../src/engine-context.js';
import { processEntry } from '../src/entry-processor.js';
import { GroupCache } from '../src/group-cache.js';
import { nextOwnChain, type UnchainedPayload } from '../src/history-chain.js';
import { IdentityGate } from '../src/identity-gate.js';
import { KeyedMutex } from '../src/keyed-mutex.js';
import type { RelayConnection } from '../src/relay-connection.js';
import { newRoom } from '../src/room-record.js';
import { SecurityLog } from '../src/security-log.js';

// issue 6: applying one log entry to a room, with real MLS groups and no relay. processEntry is pure with respect
// to storage (it returns the write); these tests persist each write themselves, as RoomSync does.

const config = makeClientConfig(createAuthenticationService());

/** The relay's account bindings, answered from a table: the one thing around the engine that is stubbed. */
function bindingsRelay(ids: Identity[]): RelayConnection {
  return {
    async request(event: string, payload: { handles: string[] }) {
      expect(event).toBe('identity.lookup');
      return { ok: true, accounts: payload.handles.map((h) => ({ handle: h, identityKey: toBase64(ids.find((i) => i.handle === h)!.publicKey) })) };
    },
  } as unknown as RelayConnection;
}

function contextFor(self: Identity, everyone: Identity[]): EngineContext & { store: MemoryClientStore } {
  const store = new MemoryClientStore();
  const events = new EventEmitter<ClientEvents>();
  const relay = bindingsRelay(everyone);
  const security = new SecurityLog(store, events);
  return {
    store,
    relay,
    identity: self,
    config,
    mutex: new KeyedMutex(),
    groups: new GroupCache(config),
    events,
    gate: new IdentityGate(relay, store, self),
    contacts: new ContactBook(store, self, security, events),
    security,
  };
}

/** alice's group with bob added from a real key package and Welcome: both at epoch 1. */
async function twoMembers() {
  const [alice, bob] = (await Promise.all(['alice', 'bob'].map(generateIdentity))) as [Identity, Identity];
  const roomId = randomBytes(16).toString('hex');
  const created = await createGroup(alice, Buffer.from(roomId, 'hex'), config);
  const kp = await createKeyPackage(bob);
  const add = await commitChanges(created, { addKeyPackages: [kp.publicBytes], publishGroupInfo: false });
  const { group: bobGroup } = await joinFromWelcome(add.welcome!, kp, config);
  const ctx = contextFor(bob, [alice, bob]);
  const room = newRoom(roomId, bobGroup, { name: 'Ops', open: false, lastSeq: 1 });
  await ctx.store.writeRoom({ room });
  // alice's side, as a record too, so her payloads carry a real sender chain.
  const aliceSide = { record: newRoom(roomId, add.group, { name: 'Ops', open: false, lastSeq: 1 }), group: add.group };
  return { alice, bob, roomId, ctx, room, aliceSide, addCommit: add.commit };
}

type Side = { record: RoomRecord; group: Group };
let seqCounter = 1;
function entry(roomId: string, kind: LogEntry['kind'], data: Uint8Array | string, sender: string, msgId = randomBytes(16).toString('hex'), seq = ++seqCounter): LogEntry {
  return { roomId: roomId as RoomId, seq, kind, sender: sender as Handle, epoch: 1, msgId: msgId as MessageId, data: typeof data === 'string' ? data : toBase64(data), time: Date.now() };
}

/** alice encrypts a text with her chain; returns the entry (unsequenced: the caller numbers it). */
async function aliceSays(side: Side, text: string): Promise<{ msgId: string; data: Uint8Array }> {
  const msgId = randomBytes(16).toString('hex');
  const payload = { v: APP_PAYLOAD_VERSION, id: msgId as MessageId, time: Date.now(), type: 'text', text } as UnchainedPayload;
  const { plain, room } = nextOwnChain(side.record, payload);
  const e = await encryptApplication(side.group, new TextEncoder().encode(plain));
  side.record = room;
  side.group = e.group;
  return { msgId, data: e.message };
}

/** Apply like RoomSync does: process, then persist the write. */
async function apply(ctx: EngineContext, room: RoomRecord, e: LogEntry) {
  const r = await processEntry(ctx, room, e);
  await ctx.store.writeRoom(r.write);
  return r;
}

describe('processEntry with real MLS groups, no relay', () => {
  it('application: decrypts, names the MLS sender, stores it; a replay of the same id is never shown twice', async () => {
    const { roomId, ctx, room, aliceSide } = await twoMembers();
    const m = await aliceSays(aliceSide, 'hello bob');
    const e = entry(roomId, 'application', m.data, 'alice', m.msgId, 2);
    const r = await apply(ctx, room, e);
    expect(r.messages).toMatchObject([{ id: m.msgId, sender: 'alice', text: 'hello bob', seq: 2, state: 'received' }]);
    expect(r.write.room.lastSeq).toBe(2);
    expect(r.events).toEqual([]);
    // The relay serves the same message again at a new seq: a replay, reported, the stored text untouched.
    const again = await apply(ctx, r.write.room, { ...e, seq: 3 });
    expect(again.messages).toEqual([]);
    expect(again.events.map((x) => x.kind)).toEqual(['replay']);
    expect((await ctx.store.getMessage(roomId, m.msgId))?.seq).toBe(2);
  });

  it('a gap in the sender chain becomes a counted placeholder and a messages-missing event naming the sender', async () => {
    const { roomId, ctx, room, aliceSide } = await twoMembers();
    const first = await aliceSays(aliceSide, 'one');
    await aliceSays(aliceSide, 'two (dropped by the relay)');
    const third = await aliceSays(aliceSide, 'three');
    const r1 = await apply(ctx, room, entry(roomId, 'application', first.data, 'alice', first.msgId, 2));
    const r3 = await apply(ctx, r1.write.room, entry(roomId, 'application', third.data, 'alice', third.msgId, 3));
    expect(r3.messages.map((x) => x.text)).toContain('three');
    expect(r3.events).toEqual([expect.objectContaining({ kind: 'messages-missing', handle: 'alice', text: expect.stringMatching(/1 message from alice/) })]);
    expect(r3.messages.some((x) => x.state === 'missing' && x.sender === 'alice')).toBe(true);
  });

  it("proposal: a member's self-remove is queued for a commit and announced", async () => {
    const { roomId, ctx, room, aliceSide } = await twoMembers();
    const p = await proposeSelfRemove(aliceSide.group);
    const r = await apply(ctx, room, entry(roomId, 'proposal', p.proposal, 'alice'));
    expect(r.write.room.pendingLeaves).toEqual(['alice']);
    expect(r.followUps).toContainEqual({ kind: 'leave-proposed', handle: 'alice' });
  });

  it('commit: moves the room to the next epoch; the same commit again, or an older one, is a replay and changes nothing', async () => {
    const { roomId, ctx, room, aliceSide, addCommit } = await twoMembers();
    const c = await commitUpdate(aliceSide.group, false);
    const e = entry(roomId, 'commit', c.commit, 'alice');
    const r = await apply(ctx, room, e);
    expect(epochOf(ctx.groups.get(r.write.room))).toBe(2);
    expect(r.write.room).toMatchObject({ status: 'active', epoch: 2, lastSeq: e.seq });
    expect(r.followUps).toContainEqual({ kind: 'members-changed' });
    // The commit that added bob (epoch 0) and the one just applied (epoch 1), served again: both replays.
    let cur = r.write.room;
    for (const old of [addCommit, c.commit]) {
      const rr = await apply(ctx, cur, entry(roomId, 'commit', old, 'alice'));
      expect(rr.write.room).toMatchObject({ status: 'active', epoch: 2 });
      expect(rr.events.map((x) => x.kind)).toEqual(['replay']);
      cur = rr.write.room;
    }
  });

  it('a commit this device cannot process takes the room out of sync with a reason; the sequence stays before it', async () => {
    const { roomId, ctx, room, aliceSide } = await twoMembers();
    // A real commit of this epoch with one byte flipped: MLS refuses it, so bob cannot follow the group.
    const c = await commitUpdate(aliceSide.group, false);
    const bytes = Buffer.from(c.commit);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 5) ^ 0x40, bytes.length - 5); // tampered: the MLS check fails
    const r = await apply(ctx, room, entry(roomId, 'commit', bytes, 'alice'));
    expect(r.write.room).toMatchObject({ status: 'out-of-sync', lastSeq: room.lastSeq, epoch: 1 });
    expect(r.write.room.reason).toMatch(/could not process the commit/);
    expect(r.events.map((x) => x.kind)).toEqual(['commit-refused']);
  });

  it('a commit delivered as an application message is not applied; the relay is named as contradicting MLS', async () => {
    const { roomId, ctx, room, aliceSide } = await twoMembers();
    const c = await commitUpdate(aliceSide.group, false);
    const r = await apply(ctx, room, entry(roomId, 'application', c.commit, 'alice'));
    expect(r.write.room).toMatchObject({ status: 'active', epoch: 1 });
    expect(r.events.map((x) => x.kind)).toEqual(['relay-contradicted']);
    expect(r.messages.map((x) => x.state)).toEqual(['undecryptable']);
  });

  it('an application message that does not decrypt in our epoch is a placeholder and a possible fork', async () => {
    const { roomId, ctx, room } = await twoMembers();
    const other = await twoMembers(); // a different group: its ciphertext cannot decrypt here
    const m = await aliceSays(other.aliceSide, 'from elsewhere');
    const r = await apply(ctx, room, entry(roomId, 'application', m.data, 'alice', m.msgId));
    expect(r.messages.map((x) => x.state)).toEqual(['undecryptable']);
    expect(r.events.map((x) => x.kind)).toEqual(['history-differs']);
  });
});
