import type { SecurityEvent, SecurityEventKind } from '@sealroom/protocol';

/** A short title per kind; the proxy's `text` says the rest. */
const titles: Record<SecurityEventKind, string> = {
  'key-changed': 'Safety number changed',
  'key-accepted': 'New key accepted',
  'contact-verified': 'Contact verified',
  'credential-refused': 'Credential refused',
  'relay-contradicted': 'The relay contradicted the group',
  'invitation-received': 'Invitation received',
  'invitation-refused': 'Invitation refused',
  'commit-refused': 'Group change refused',
  'room-renamed': 'Room renamed',
  'room-opened': 'Room opened to anyone with its id',
  'room-closed': 'Room made invite-only',
  replay: 'Replayed message ignored',
  'relay-cut-off': 'The relay stopped delivering this room',
  'messages-missing': 'Messages are missing',
  'history-differs': 'This room’s history differs between members',
};

/** Kinds that are warnings even without a code (the contract gives warnings a code; this is a floor, not a ceiling). */
const warningKinds: ReadonlySet<SecurityEventKind> = new Set<SecurityEventKind>([
  'key-changed',
  'credential-refused',
  'relay-contradicted',
  'invitation-refused',
  'commit-refused',
  'replay',
  'relay-cut-off',
  'messages-missing',
  'history-differs',
]);

export function eventTitle(kind: string): string {
  return (titles as Record<string, string | undefined>)[kind] ?? kind;
}

export type EventSeverity = 'warning' | 'info';

/** Warnings carry a stable error code; a few kinds are warnings whatever the proxy says. */
export function eventSeverity(e: Pick<SecurityEvent, 'kind' | 'code'>): EventSeverity {
  return e.code !== null || warningKinds.has(e.kind) ? 'warning' : 'info';
}

/**
 * Merge events by id (a later copy replaces an earlier one), oldest first. Returns the same array when
 * nothing changed, so pushes that repeat a listed event do not re-render.
 */
export function mergeEvents(current: readonly SecurityEvent[], incoming: readonly SecurityEvent[]): readonly SecurityEvent[] {
  if (incoming.length === 0) return current;
  const byId = new Map<number, SecurityEvent>();
  for (const e of current) byId.set(e.id, e);
  let changed = false;
  for (const e of incoming) {
    const old = byId.get(e.id);
    if (old !== undefined && sameEvent(old, e)) continue;
    byId.set(e.id, e);
    changed = true;
  }
  if (!changed) return current;
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

function sameEvent(a: SecurityEvent, b: SecurityEvent): boolean {
  return a.time === b.time && a.kind === b.kind && a.roomId === b.roomId && a.handle === b.handle && a.code === b.code && a.text === b.text;
}

/**
 * What a dismissal is keyed by: id and time, so that a proxy started over with a fresh data directory (ids
 * from 1 again) does not inherit old dismissals and hide new events.
 */
export function dismissKey(e: Pick<SecurityEvent, 'id' | 'time'>): string {
  return `${e.id}:${e.time}`;
}

/** Events still shown as banners/notices: not dismissed, in the given scope (a room id, or null for no room). */
export function activeEvents(
  events: readonly SecurityEvent[],
  dismissed: ReadonlySet<string>,
  scope: { roomId: string | null },
): SecurityEvent[] {
  return events.filter((e) => e.roomId === scope.roomId && !dismissed.has(dismissKey(e)));
}

/**
 * Undismissed events for the global notices: those about no room, and those about a room the user has no
 * entry for (a refused invitation, a room already forgotten), which no room banner would ever show.
 */
export function globalEvents(
  events: readonly SecurityEvent[],
  dismissed: ReadonlySet<string>,
  knownRoomIds: ReadonlySet<string>,
): SecurityEvent[] {
  return events.filter((e) => (e.roomId === null || !knownRoomIds.has(e.roomId)) && !dismissed.has(dismissKey(e)));
}

/** Undismissed warnings per room, for markers in the room list. */
export function warningCountsByRoom(events: readonly SecurityEvent[], dismissed: ReadonlySet<string>): ReadonlyMap<string, number> {
  const counts = new Map<string, number>();
  for (const e of events) {
    if (e.roomId === null || dismissed.has(dismissKey(e)) || eventSeverity(e) !== 'warning') continue;
    counts.set(e.roomId, (counts.get(e.roomId) ?? 0) + 1);
  }
  return counts;
}

/** How many dismissal keys to remember; older ones fall off (their events are long out of the banners' way). */
export const DISMISSED_LIMIT = 1000;

/** Parse stored dismissals; anything malformed is dropped (worst case an event shows again, never hidden). */
export function parseDismissed(raw: string | null): Set<string> {
  if (raw === null) return new Set();
  try {
    const v: unknown = JSON.parse(raw);
    if (!Array.isArray(v)) return new Set();
    return new Set(v.filter((k): k is string => typeof k === 'string' && /^\d+:\d+$/.test(k)).slice(-DISMISSED_LIMIT));
  } catch {
    return new Set();
  }
}

export function serialiseDismissed(dismissed: ReadonlySet<string>): string {
  return JSON.stringify([...dismissed].slice(-DISMISSED_LIMIT));
}
