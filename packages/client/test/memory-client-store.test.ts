import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '@sealroom/protocol';
import { MemoryClientStore, compareMessages } from '../src/index.js';

const msg = (id: string, seq: number | null, time: number): ChatMessage => ({
  id, roomId: 'r', sender: 's', text: id, time, seq, state: seq === null ? 'sending' : 'received', own: false,
});

describe('MemoryClientStore', () => {
  it('orders the timeline by relay sequence, unsent messages last', async () => {
    const s = new MemoryClientStore();
    const room = { roomId: 'r', name: null, open: false, status: 'active' as const, epoch: 0, lastSeq: 0, group: new Uint8Array([1]), pendingCommit: null, pendingLeaves: [], removed: [] };
    await s.writeRoom({ room, messages: [msg('c', null, 1), msg('b', 5, 9), msg('a', 2, 10)] });
    expect((await s.listMessages('r', 10)).map((m) => m.id)).toEqual(['a', 'b', 'c']);
    expect((await s.listMessages('r', 2)).map((m) => m.id)).toEqual(['b', 'c']);
    expect([msg('x', null, 2), msg('y', null, 1)].sort(compareMessages).map((m) => m.id)).toEqual(['y', 'x']);
  });

  it('changes contacts only through a write, and only those named', async () => {
    const s = new MemoryClientStore();
    const bob = { handle: 'bob', identityKey: new Uint8Array([1, 2]), firstSeen: 1, state: 'new' as const, verifiedAt: null, pendingKey: null };
    expect((await s.getContacts(['bob'])).size).toBe(0);
    await s.writeRoom({ contacts: [{ next: bob, prev: null }] });
    expect((await s.getContacts(['bob', 'carol'])).get('bob')?.identityKey).toEqual(new Uint8Array([1, 2]));
    expect((await s.listContacts()).map((c) => c.handle)).toEqual(['bob']);
  });

  it('contact writes are compare-and-set: a write based on a stale read changes nothing', async () => {
    const s = new MemoryClientStore();
    const k1 = { handle: 'bob', identityKey: new Uint8Array([1]), firstSeen: 1, state: 'new' as const, verifiedAt: null, pendingKey: null };
    await s.putContacts([{ next: k1, prev: null }]);
    // A second first sighting (another room, another key) must not overwrite the first.
    await expect(s.putContacts([{ next: { ...k1, identityKey: new Uint8Array([2]) }, prev: null }])).rejects.toMatchObject({ code: 'ERR_CLIENT_CONTACT_CONFLICT' });
    // A key change lands; a verify that read the old record then fails, and so does a whole room write carrying it.
    const changed = { ...k1, state: 'changed' as const, pendingKey: new Uint8Array([3]) };
    await s.putContacts([{ next: changed, prev: k1 }]);
    await expect(s.putContacts([{ next: { ...k1, state: 'verified', verifiedAt: 5 }, prev: k1 }])).rejects.toMatchObject({ code: 'ERR_CLIENT_CONTACT_CONFLICT' });
    const room = { roomId: 'r', name: 'n', open: false, status: 'active' as const, epoch: 0, lastSeq: 0, group: new Uint8Array([1]), pendingCommit: null, pendingLeaves: [], removed: [] };
    await expect(s.writeRoom({ room, contacts: [{ next: k1, prev: null }] })).rejects.toMatchObject({ code: 'ERR_CLIENT_CONTACT_CONFLICT' });
    expect(await s.getRoom('r')).toBeNull();
    expect((await s.getContacts(['bob'])).get('bob')).toEqual(changed);
  });

  it('lists security events after an id, and the newest ones from the start', async () => {
    const s = new MemoryClientStore();
    for (const t of ['a', 'b', 'c']) await s.appendEvent({ kind: 'replay', roomId: null, handle: null, code: null, text: t });
    expect((await s.listEvents(0, 2)).map((e) => e.text)).toEqual(['b', 'c']);
    expect((await s.listEvents(1, 10)).map((e) => e.text)).toEqual(['b', 'c']);
  });

  it('returns copies, so callers cannot change stored state by mutation', async () => {
    const s = new MemoryClientStore();
    const room = { roomId: 'r', name: 'n', open: false, status: 'active' as const, epoch: 0, lastSeq: 0, group: new Uint8Array([1]), pendingCommit: null, pendingLeaves: [], removed: [] };
    await s.writeRoom({ room });
    const got = (await s.getRoom('r'))!;
    got.name = 'changed';
    got.group[0] = 42;
    expect((await s.getRoom('r'))!.name).toBe('n');
    expect((await s.getRoom('r'))!.group[0]).toBe(1);
  });
});
