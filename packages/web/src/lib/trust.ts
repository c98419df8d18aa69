import type { Contact, ContactState, Member, RoomSummary } from '@sealroom/protocol';

export type TrustState = ContactState | 'self';

/**
 * The freshest trust state of a handle: a `contact` push beats the member list it arrived after, the member
 * list beats nothing. Unknown handles (a sender we have no contact for yet) are `new`.
 */
export function trustStateOf(
  handle: string,
  contacts: ReadonlyMap<string, Contact>,
  member?: Pick<Member, 'state' | 'self'>,
): TrustState {
  if (member?.self === true || member?.state === 'self') return 'self';
  return contacts.get(handle)?.state ?? member?.state ?? 'new';
}

export function upsertContact(map: ReadonlyMap<string, Contact>, c: Contact): ReadonlyMap<string, Contact> {
  const old = map.get(c.handle);
  if (
    old !== undefined &&
    old.state === c.state &&
    old.fingerprint === c.fingerprint &&
    old.pendingFingerprint === c.pendingFingerprint &&
    old.verifiedAt === c.verifiedAt
  )
    return map;
  const next = new Map(map);
  next.set(c.handle, c);
  return next;
}

export function contactMap(list: readonly Contact[]): ReadonlyMap<string, Contact> {
  return new Map(list.map((c) => [c.handle, c]));
}

/** Why the composer is blocked by trust (not by membership): who changed key, in a sentence. */
export type SendBlock = { handles: string[]; sentence: string };

/**
 * `keyChanged` non-empty or a `held` room blocks sending until the user accepts the new key(s). For a held
 * room the proxy lists in `keyChanged` whom it waits for (the newcomer of the unapplied commit).
 */
export function sendBlock(room: Pick<RoomSummary, 'status' | 'keyChanged'>): SendBlock | null {
  const handles = [...new Set(room.keyChanged ?? [])].sort();
  if (handles.length === 0 && room.status !== 'held') return null;
  if (handles.length === 0) {
    return { handles, sentence: 'This room is on hold: a member’s key changed. Check the security notices above.' };
  }
  const who = listHandles(handles);
  const verb = handles.length === 1 ? 'has a new key' : 'have new keys';
  return {
    handles,
    sentence: `Sending is blocked: ${who} ${verb}. Compare safety numbers and accept the new key to continue.`,
  };
}

/** "alice", "alice and bob", "alice, bob and carol". */
export function listHandles(handles: readonly string[]): string {
  if (handles.length <= 1) return handles[0] ?? '';
  return `${handles.slice(0, -1).join(', ')} and ${handles[handles.length - 1]}`;
}

/**
 * The 60 digits as 12 groups of 5 for display. The proxy sends both; the groups are derived from `digits`
 * (the value `contacts.verify` sends back) so that what is shown is exactly what is confirmed.
 */
export function safetyGroups(digits: string): string[] | null {
  if (!/^[0-9]{60}$/.test(digits)) return null;
  return digits.match(/[0-9]{5}/g);
}
