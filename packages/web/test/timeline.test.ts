import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '@sealroom/protocol';
import { compareMessages, sortedTimeline, upsertMessage, upsertMessages } from '../src/lib/timeline.ts';

const msg = (id: string, over: Partial<ChatMessage> = {}): ChatMessage => ({
  id,
  roomId: 'r'.repeat(32),
  sender: 'alice',
  text: `text ${id}`,
  time: 1000,
  seq: null,
  state: 'received',
  own: false,
  ...over,
});

describe('timeline', () => {
  it('sorts by seq, sending (null seq) last, then by time and id', () => {
    const ms = [
      msg('e', { seq: null, time: 5, state: 'sending', own: true }),
      msg('c', { seq: 3 }),
      msg('d', { seq: null, time: 1, state: 'sending', own: true }),
      msg('a', { seq: 1, time: 9 }),
      msg('b', { seq: 2, time: 0 }),
    ];
    expect(ms.sort(compareMessages).map((m) => m.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('upserts by id and never moves a message backwards', () => {
    let map: ReadonlyMap<string, ChatMessage> = new Map();
    map = upsertMessage(map, msg('x', { state: 'sending', own: true }));
    map = upsertMessage(map, msg('x', { state: 'sent', own: true, seq: 7 }));
    // A late ack still saying "sending" must not undo the push that said "sent".
    const late = upsertMessage(map, msg('x', { state: 'sending', own: true }));
    expect(late).toBe(map);
    expect(map.get('x')).toMatchObject({ state: 'sent', seq: 7 });
    expect(map.size).toBe(1);
  });

  it('keeps a known seq when an update lacks one and returns the same map when nothing changed', () => {
    const map = upsertMessages(new Map(), [msg('x', { seq: 4, state: 'failed', own: true })]);
    expect(upsertMessage(map, msg('x', { seq: 4, state: 'failed', own: true }))).toBe(map);
    const next = upsertMessage(map, msg('x', { seq: null, state: 'sent', own: true }));
    expect(next.get('x')).toMatchObject({ seq: 4, state: 'sent' });
    expect(sortedTimeline(next).map((m) => m.id)).toEqual(['x']);
  });
});
