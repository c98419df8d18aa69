import { describe, expect, it } from 'vitest';
import type { RoomStatus } from '@sealroom/protocol';
import type { RoomRecord } from '../src/index.js';
import { IllegalTransition, canTransition, recoveryOf, transition, type RoomEvent } from '../src/room-state.js';

const room = (status: RoomStatus, over: Partial<RoomRecord> = {}): RoomRecord => ({
  roomId: 'a'.repeat(32), name: 'n', open: false, status, epoch: 3, lastSeq: 9, group: new Uint8Array([1]),
  pendingCommit: null, pendingLeaves: [], removed: [], ...over,
});
const events: RoomEvent[] = [
  { type: 'hold', handles: ['bob'] },
  { type: 'resume' },
  { type: 'desync', reason: 'r' },
  { type: 'removed' },
  { type: 'left' },
  { type: 'rejoined' },
];
const statuses: RoomStatus[] = ['active', 'held', 'out-of-sync', 'removed', 'left'];

describe('room state machine', () => {
  it('has exactly the transitions of the diagram', () => {
    const table = Object.fromEntries(statuses.map((s) => [s, events.filter((e) => canTransition(room(s), e.type)).map((e) => `${e.type}→${transition(room(s), e).status}`)]));
    expect(table).toEqual({
      active: ['hold→held', 'desync→out-of-sync', 'removed→removed', 'left→left'],
      held: ['hold→held', 'resume→active', 'desync→out-of-sync', 'removed→removed', 'left→left'],
      'out-of-sync': ['desync→out-of-sync', 'left→left', 'rejoined→active'],
      removed: ['left→left'],
      left: ['left→left'],
    });
  });

  it('refuses every other transition, changing nothing', () => {
    for (const s of statuses)
      for (const e of events) {
        if (canTransition(room(s), e.type)) continue;
        const r = room(s);
        expect(() => transition(r, e)).toThrow(IllegalTransition);
        expect(r.status).toBe(s);
      }
  });

  it('keeps reason and heldFor only in their own states, and never mutates its input', () => {
    const r = room('active');
    const held = transition(r, { type: 'hold', handles: ['bob'] });
    expect(held).toMatchObject({ status: 'held', heldFor: ['bob'] });
    expect(r.status).toBe('active');
    const out = transition(held, { type: 'desync', reason: 'bad commit' });
    expect(out.heldFor).toBeUndefined();
    expect(out.reason).toBe('bad commit');
    expect(transition(out, { type: 'rejoined' }).reason).toBeUndefined();
    expect(transition(room('active', { pendingCommit: {} as never }), { type: 'left' }).pendingCommit).toBeNull();
  });

  it('names the recovery for every state that needs one', () => {
    expect(recoveryOf(room('active'))).toBeNull();
    expect(recoveryOf(room('left'))).toBeNull();
    expect(recoveryOf(room('held'))).toBe('accept-key');
    expect(recoveryOf(room('out-of-sync', { open: true }))).toBe('rejoin');
    expect(recoveryOf(room('out-of-sync', { open: false }))).toBe('ask-to-be-readded');
    expect(recoveryOf(room('removed'))).toBe('ask-to-be-readded');
  });
});
