import type { RoomSummary } from '@sealroom/protocol';

/**
 * Declined invitations. The proxy answers a decline by entering the room only to leave it (a self-remove
 * proposal, so the members see us go), which leaves a room with status `left` in `rooms.list`. The user never
 * joined it, so like other messengers we do not list it: a room is hidden while its decline is under way
 * (its status passes through `active` on the way out) and afterwards as long as it is `left` or `removed`.
 * Accepting a later invitation to the same room lists it again.
 */
export type Declined = { done: ReadonlySet<string>; pending: ReadonlySet<string> };

export function isHiddenRoom(room: Pick<RoomSummary, 'roomId' | 'status'>, d: Declined): boolean {
  if (d.pending.has(room.roomId)) return true;
  return d.done.has(room.roomId) && (room.status === 'left' || room.status === 'removed');
}

export function visibleRooms<R extends Pick<RoomSummary, 'roomId' | 'status'>>(rooms: readonly R[], d: Declined): readonly R[] {
  if (d.pending.size === 0 && d.done.size === 0) return rooms;
  const out = rooms.filter((r) => !isHiddenRoom(r, d));
  return out.length === rooms.length ? rooms : out;
}

/** How many declined room ids to remember; the oldest fall off (at worst an old declined room shows as left). */
export const DECLINED_LIMIT = 500;

/** Parse stored room ids; anything malformed is dropped (worst case a declined room shows as left, never a room hidden by junk). */
export function parseDeclined(raw: string | null): Set<string> {
  if (raw === null) return new Set();
  try {
    const v: unknown = JSON.parse(raw);
    if (!Array.isArray(v)) return new Set();
    return new Set(v.filter((k): k is string => typeof k === 'string' && /^[0-9a-f]{32}$/.test(k)).slice(-DECLINED_LIMIT));
  } catch {
    return new Set();
  }
}

export function serialiseDeclined(done: ReadonlySet<string>): string {
  return JSON.stringify([...done].slice(-DECLINED_LIMIT));
}
