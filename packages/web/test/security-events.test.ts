import { describe, expect, it } from 'vitest';
import type { SecurityEvent } from '@sealroom/protocol';
import {
  activeEvents,
  dismissKey,
  eventSeverity,
  eventTitle,
  globalEvents,
  mergeEvents,
  parseDismissed,
  serialiseDismissed,
  warningCountsByRoom,
} from '../src/lib/security-events.ts';

const room = '0123456789abcdef0123456789abcdef';
function ev(id: number, over: Partial<SecurityEvent> = {}): SecurityEvent {
  return { id, time: 1000 + id, kind: 'room-renamed', roomId: room, handle: null, code: null, text: `event ${id}`, ...over };
}

describe('mergeEvents', () => {
  it('dedupes by id, sorts oldest first, and a later copy replaces an earlier one', () => {
    const merged = mergeEvents([ev(3), ev(1)], [ev(2), ev(3, { text: 'updated' })]);
    expect(merged.map((e) => e.id)).toEqual([1, 2, 3]);
    expect(merged[2]!.text).toBe('updated');
  });
  it('returns the same array when nothing new arrived', () => {
    const list = [ev(1), ev(2)];
    expect(mergeEvents(list, [ev(2)])).toBe(list);
    expect(mergeEvents(list, [])).toBe(list);
    expect(mergeEvents(list, [ev(2, { kind: 'key-changed' })])).not.toBe(list);
  });
});

describe('severity and titles', () => {
  it('anything with a code is a warning; key changes are warnings even without one', () => {
    expect(eventSeverity(ev(1, { code: 'ERR_CLIENT_KEY_CHANGED', kind: 'room-renamed' }))).toBe('warning');
    expect(eventSeverity(ev(1, { kind: 'key-changed' }))).toBe('warning');
    expect(eventSeverity(ev(1, { kind: 'room-opened' }))).toBe('info');
    expect(eventSeverity(ev(1, { kind: 'contact-verified' }))).toBe('info');
  });
  it('has a title for known kinds and falls back to the kind', () => {
    expect(eventTitle('key-changed')).toBe('Safety number changed');
    expect(eventTitle('something-new')).toBe('something-new');
  });
});

describe('dismissals', () => {
  it('hide an event from its scope only, keyed by id and time', () => {
    const events = [ev(1), ev(2), ev(3, { roomId: null }), ev(4, { roomId: 'ffffffffffffffffffffffffffffffff' })];
    const dismissed = new Set([dismissKey(events[0]!)]);
    expect(activeEvents(events, dismissed, { roomId: room }).map((e) => e.id)).toEqual([2]);
    expect(activeEvents(events, dismissed, { roomId: null }).map((e) => e.id)).toEqual([3]);
    // Same id, different time (a proxy started over): not dismissed.
    expect(activeEvents([ev(1, { time: 9 })], dismissed, { roomId: room })).toHaveLength(1);
  });
  it('global notices: no room, or a room the user has no entry for', () => {
    const other = 'ffffffffffffffffffffffffffffffff';
    const events = [ev(1), ev(2, { roomId: null }), ev(3, { roomId: other }), ev(4, { roomId: null })];
    expect(globalEvents(events, new Set([dismissKey(events[3]!)]), new Set([room])).map((e) => e.id)).toEqual([2, 3]);
    expect(globalEvents(events, new Set(), new Set([room, other])).map((e) => e.id)).toEqual([2, 4]);
  });
  it('count undismissed warnings per room', () => {
    const events = [ev(1, { kind: 'key-changed' }), ev(2, { kind: 'key-changed' }), ev(3), ev(4, { kind: 'key-changed', roomId: null })];
    const counts = warningCountsByRoom(events, new Set([dismissKey(events[1]!)]));
    expect([...counts]).toEqual([[room, 1]]);
  });
  it('survive a round trip through storage; garbage is dropped rather than hiding anything', () => {
    const d = new Set(['1:1001', '2:1002']);
    expect(parseDismissed(serialiseDismissed(d))).toEqual(d);
    expect(parseDismissed(null).size).toBe(0);
    expect(parseDismissed('{not json').size).toBe(0);
    expect(parseDismissed('{"a":1}').size).toBe(0);
    expect([...parseDismissed('["1:2", 3, "x", "4:5"]')]).toEqual(['1:2', '4:5']);
  });
});
