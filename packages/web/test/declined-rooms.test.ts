import { describe, expect, it } from 'vitest';
import type { RoomStatus } from '@sealroom/protocol';
import { DECLINED_LIMIT, isHiddenRoom, parseDeclined, serialiseDeclined, visibleRooms } from '../src/lib/declined-rooms.ts';

const id = (n: number) => n.toString(16).padStart(32, '0');
const room = (n: number, status: RoomStatus) => ({ roomId: id(n), status });

describe('declined rooms', () => {
  it('hide a room while its decline runs, whatever its status on the way out', () => {
    const d = { done: new Set<string>(), pending: new Set([id(1)]) };
    for (const s of ['active', 'held', 'left'] as const) expect(isHiddenRoom(room(1, s), d)).toBe(true);
    expect(isHiddenRoom(room(2, 'active'), d)).toBe(false);
  });
  it('hide a declined room once left, but list it when it is ours again (accepted later, or a failed leave)', () => {
    const d = { done: new Set([id(1)]), pending: new Set<string>() };
    expect(isHiddenRoom(room(1, 'left'), d)).toBe(true);
    expect(isHiddenRoom(room(1, 'removed'), d)).toBe(true);
    expect(isHiddenRoom(room(1, 'active'), d)).toBe(false);
    expect(isHiddenRoom(room(1, 'held'), d)).toBe(false);
    expect(isHiddenRoom(room(2, 'left'), d)).toBe(false);
  });
  it('keep the list (same array) when nothing is hidden', () => {
    const rooms = [room(1, 'active'), room(2, 'left')];
    expect(visibleRooms(rooms, { done: new Set(), pending: new Set() })).toBe(rooms);
    expect(visibleRooms(rooms, { done: new Set([id(3)]), pending: new Set() })).toBe(rooms);
    expect(visibleRooms(rooms, { done: new Set([id(2)]), pending: new Set() })).toEqual([room(1, 'active')]);
  });
  it('round-trip through storage, dropping junk and keeping the newest', () => {
    expect(parseDeclined(serialiseDeclined(new Set([id(1), id(2)])))).toEqual(new Set([id(1), id(2)]));
    expect(parseDeclined(null)).toEqual(new Set());
    expect(parseDeclined('{')).toEqual(new Set());
    expect(parseDeclined(JSON.stringify({ a: id(1) }))).toEqual(new Set());
    expect(parseDeclined(JSON.stringify([id(1), 7, 'ABC', `${id(2)}x`]))).toEqual(new Set([id(1)]));
    const many = Array.from({ length: DECLINED_LIMIT + 5 }, (_, i) => id(i));
    const kept = parseDeclined(JSON.stringify(many));
    expect(kept.size).toBe(DECLINED_LIMIT);
    expect(kept.has(id(DECLINED_LIMIT + 4))).toBe(true);
    expect(kept.has(id(0))).toBe(false);
  });
});
