import type { ChatMessage, MessageState } from '@sealroom/protocol';

/** How far a message has progressed; an update never moves a message backwards (e.g. a late `sending` ack after the `sent` push). */
const stateRank: Record<MessageState, number> = {
  sending: 0,
  failed: 1,
  sent: 2,
  received: 2,
  undecryptable: 2,
  missing: 2,
};

/** Merge one message into a map keyed by id. Returns the same map object when nothing changed. */
export function upsertMessage(map: ReadonlyMap<string, ChatMessage>, m: ChatMessage): ReadonlyMap<string, ChatMessage> {
  const existing = map.get(m.id);
  if (existing !== undefined) {
    if (stateRank[m.state] < stateRank[existing.state]) return map;
    if (sameMessage(existing, m)) return map;
  }
  const next = new Map(map);
  next.set(m.id, existing !== undefined && m.seq === null && existing.seq !== null ? { ...m, seq: existing.seq } : m);
  return next;
}

export function upsertMessages(map: ReadonlyMap<string, ChatMessage>, ms: readonly ChatMessage[]): ReadonlyMap<string, ChatMessage> {
  let next = map;
  for (const m of ms) next = upsertMessage(next, m);
  return next;
}

function sameMessage(a: ChatMessage, b: ChatMessage): boolean {
  return a.state === b.state && a.seq === b.seq && a.text === b.text && a.time === b.time && a.sender === b.sender;
}

/** Timeline order: by relay seq; messages without one (still sending) last; then by time, then id. */
export function compareMessages(a: ChatMessage, b: ChatMessage): number {
  if (a.seq !== null && b.seq !== null && a.seq !== b.seq) return a.seq - b.seq;
  if (a.seq === null && b.seq !== null) return 1;
  if (a.seq !== null && b.seq === null) return -1;
  if (a.time !== b.time) return a.time - b.time;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function sortedTimeline(map: ReadonlyMap<string, ChatMessage>): ChatMessage[] {
  return [...map.values()].sort(compareMessages);
}
