import { describe, expect, it } from 'vitest';
import type { RoomRecord } from '../src/index.js';
import { applyChain, nextOwnChain, payloadHash, placeholderId } from '../src/history-chain.js';

const room = (over: Partial<RoomRecord> = {}): RoomRecord => ({
  roomId: 'r'.repeat(32), name: 'n', open: false, status: 'active', epoch: 1, lastSeq: 0, group: new Uint8Array([1]),
  pendingCommit: null, pendingLeaves: [], removed: [], ...over,
});
const apply = (r: RoomRecord, n: number, prev: string, hash: string, seq = 10) => {
  const o = applyChain(r, 'alice', n, { prev, hash }, seq, 'alice');
  return { o, room: { ...r, senders: o.senders, missing: o.missing } };
};

describe('history chain', () => {
  it('our payloads are numbered from 1 and name the hash of the previous one', () => {
    let r = room();
    const payload = { v: 1 as const, type: 'text' as const, id: 'a'.repeat(32) as never, time: 1, text: 'x' };
    const first = nextOwnChain(r, payload);
    expect(JSON.parse(first.plain).c).toEqual({ n: 1, p: '' });
    r = first.room;
    const second = nextOwnChain(r, { ...payload, id: 'b'.repeat(32) as never });
    expect(JSON.parse(second.plain).c).toEqual({ n: 2, p: payloadHash(first.plain) });
  });

  it('in order: nothing to report', () => {
    let { o, room: r } = apply(room(), 1, '', 'h1');
    expect(o.events).toEqual([]);
    ({ o, room: r } = apply(r, 2, 'h1', 'h2'));
    expect(o.events).toEqual([]);
    expect(r.senders).toEqual({ alice: { n: 2, h: 'h2' } });
  });

  it('a gap: a counted placeholder and an event; late arrivals shrink it, the last one removes it', () => {
    let { o, room: r } = apply(room(), 1, '', 'h1');
    ({ o, room: r } = apply(r, 4, 'h3', 'h4', 20));
    expect(o.events.map((e) => e.kind)).toEqual(['messages-missing']);
    expect(o.placeholders).toMatchObject([{ state: 'missing', text: '2 messages from alice are missing', seq: 20, id: placeholderId(r.roomId, 'alice', 3) }]);
    ({ o, room: r } = apply(r, 2, 'h1', 'h2'));
    expect(o.placeholders).toMatchObject([{ text: '1 message from alice is missing' }]);
    ({ o, room: r } = apply(r, 3, 'h2', 'h3'));
    expect(o.deletePlaceholders).toEqual([placeholderId(r.roomId, 'alice', 3)]);
    expect(r.missing).toEqual({});
  });

  it('a payload that does not chain onto the one we were shown: history differs', () => {
    let { room: r } = apply(room(), 1, '', 'h1');
    const { o } = apply(r, 2, 'not-h1', 'h2');
    expect(o.events.map((e) => e.kind)).toEqual(['history-differs']);
  });

  it('a checkpoint saying another member saw more from a sender: missing, attributed to the reporter', () => {
    const { room: r } = apply(room(), 2, '', 'h2'); // (a first gap of 1 here is fine)
    const o = applyChain(r, 'alice', 5, null, 30, 'bob');
    expect(o.events[0]).toMatchObject({ kind: 'messages-missing', handle: 'alice' });
    expect(o.events[0]?.text).toContain("bob's device saw 3 more messages from alice");
    expect(o.senders['alice']).toEqual({ n: 5, h: '' });
    // A checkpoint that says less than we saw changes nothing.
    expect(applyChain({ ...r, senders: o.senders, missing: o.missing }, 'alice', 1, null, 31, 'bob').events).toEqual([]);
  });
});
