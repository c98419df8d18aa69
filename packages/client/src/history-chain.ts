import { createHash } from 'node:crypto';
import { Limits, type AppPayload, type Chain, type ChatMessage } from '@sealroom/protocol';
import type { NewSecurityEvent, RoomRecord } from './client-store.js';

/**
 * Tamper-evident history inside the encryption (issue "a relay that cannot cheat unseen"). Each sender
 * numbers its payloads in a room (`c.n`) and names the hash of its previous one (`c.p`); receivers keep
 * the last of each sender, so a message the relay withholds shows up as a gap the moment a later one (or
 * a checkpoint) arrives, and a history the relay rewrote does not chain.
 */
export type SenderHead = { n: number; h: string };

/** An application payload before its chain is assigned (each member of the union without `c`). */
export type UnchainedPayload = AppPayload extends infer T ? (T extends unknown ? Omit<T, 'c'> : never) : never;

/** First 16 bytes of SHA-256 over a payload's plaintext, hex: what `c.p` of the next payload names. */
export function payloadHash(plaintext: Uint8Array | string): string {
  return createHash('sha256').update(plaintext).digest('hex').slice(0, 32);
}

/** Our next payload's chain, and the room as it must be saved with that payload's ciphertext. */
export function nextOwnChain(room: RoomRecord, payload: UnchainedPayload): { plain: string; room: RoomRecord } {
  const head = room.chain ?? { n: 0, h: '' };
  const c: Chain = { n: head.n + 1, p: head.h };
  const plain = JSON.stringify({ ...payload, c });
  return { plain, room: { ...room, chain: { n: c.n, h: payloadHash(plain) } } };
}

/** Messages of one sender that a gap showed missing; `to` (the gap's last counter) names its placeholder. */
export type Gap = { to: number; seq: number; ns: number[] };

export type ChainOutcome = {
  /** The room's receiver-side state after this payload. */
  senders: Record<string, SenderHead>;
  missing: Record<string, Gap[]>;
  /** Placeholders to write (new or updated) and to delete (their messages all arrived after all). */
  placeholders: ChatMessage[];
  deletePlaceholders: string[];
  events: NewSecurityEvent[];
};

/** The id of the placeholder for the gap of `sender`'s messages ending at counter `to`. */
export function placeholderId(roomId: string, sender: string, to: number): string {
  return createHash('sha256').update(`missing\0${roomId}\0${sender}\0${to}`).digest('hex').slice(0, 32);
}

const plural = (k: number, one: string, many: string) => (k === 1 ? one : many);

function placeholder(roomId: string, sender: string, gap: Gap): ChatMessage {
  const k = gap.ns.length;
  return {
    id: placeholderId(roomId, sender, gap.to),
    roomId,
    sender,
    text: `${k} ${plural(k, 'message', 'messages')} from ${sender} ${plural(k, 'is', 'are')} missing`,
    // Shown just before the message that revealed the gap (same seq, earliest time).
    time: 0,
    seq: gap.seq,
    state: 'missing',
    own: false,
  };
}

/**
 * Apply one sender's counter to the room's record of senders: from the sender's own payload (`direct`,
 * with its `prev` and the payload's `hash`), or from another member's checkpoint (`claimedBy`), which only
 * says how far that member has seen the sender.
 */
export function applyChain(
  room: RoomRecord,
  sender: string,
  n: number,
  direct: { prev: string; hash: string } | null,
  seq: number,
  claimedBy: string,
): ChainOutcome {
  const senders = { ...(room.senders ?? {}) };
  const missing: Record<string, Gap[]> = { ...(room.missing ?? {}) };
  const out: ChainOutcome = { senders, missing, placeholders: [], deletePlaceholders: [], events: [] };
  const head = senders[sender] ?? { n: 0, h: '' };
  const gaps = missing[sender] ?? [];
  if (direct && n === head.n + 1) {
    if (head.n > 0 && head.h !== '' && direct.prev !== head.h)
      out.events.push({
        kind: 'history-differs',
        roomId: room.roomId,
        handle: sender,
        code: null,
        text: `${sender}'s message #${n} follows another message #${head.n} than the one this device was shown: members were shown different histories`,
      });
    senders[sender] = { n, h: direct.hash };
    return out;
  }
  const last = direct ? n - 1 : n;
  if (last > head.n) {
    // A gap: head.n+1 … last never arrived here.
    const gap: Gap = { to: last, seq, ns: Array.from({ length: last - head.n }, (_, i) => head.n + 1 + i) };
    const kept: Gap[] = [];
    let budget = Limits.missingRemembered - gap.ns.length;
    for (const g of [...gaps].reverse()) {
      if (budget - g.ns.length < 0) break;
      budget -= g.ns.length;
      kept.unshift(g);
    }
    missing[sender] = [...kept, gap];
    out.placeholders.push(placeholder(room.roomId, sender, gap));
    const k = gap.ns.length;
    out.events.push({
      kind: 'messages-missing',
      roomId: room.roomId,
      handle: sender,
      code: null,
      text:
        claimedBy === sender
          ? `${k} ${plural(k, 'message', 'messages')} from ${sender} never reached this device: the relay dropped or withheld ${plural(k, 'it', 'them')}`
          : `${claimedBy}'s device saw ${k} more ${plural(k, 'message', 'messages')} from ${sender} than this one: the relay withheld ${plural(k, 'it', 'them')} from you`,
    });
    senders[sender] = direct ? { n, h: direct.hash } : { n: last, h: '' };
    return out;
  }
  if (direct) {
    // A late arrival fills its place in a gap (a relay that reordered; RFC 9420 §9.1 keeps the keys).
    const i = gaps.findIndex((g) => g.ns.includes(n));
    if (i >= 0) {
      const g = gaps[i]!;
      const left = { ...g, ns: g.ns.filter((x) => x !== n) };
      const next = [...gaps];
      if (left.ns.length === 0) {
        next.splice(i, 1);
        out.deletePlaceholders.push(placeholderId(room.roomId, sender, g.to));
      } else {
        next[i] = left;
        out.placeholders.push(placeholder(room.roomId, sender, left));
      }
      if (next.length === 0) delete missing[sender];
      else missing[sender] = next;
    }
  }
  return out;
}
