import { z } from 'zod';
import type { AckFn } from './ack.js';
import { handleSchema, messageIdSchema, roomIdSchema } from './ids.js';
import { Limits } from './limits.js';

/**
 * Local API: browser or CLI ↔ the user's own proxy, over socket.io on 127.0.0.1. Same shape as the relay:
 * one payload object per event, an ack with `{ ok }`. The proxy parses every payload with these schemas.
 */
export const LOCAL_API_VERSION = 1;

/**
 * Characters a room name may not carry: they show up in terminals, title bars and other members' lists, where
 * controls (C0, DEL, C1) rewrite the screen, line and paragraph separators (U+2028/2029) break lines, bidi
 * controls (U+061C, U+200E/200F, U+202A–202E, U+2066–2069) reorder what follows, and zero-width characters
 * (U+200B–200D, U+2060, U+FEFF) make two different names look alike.
 */
export const ROOM_NAME_FORBIDDEN = /[\p{Cc}\u2028\u2029\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/u;

/** A room name as created (rooms.create), told to newcomers (Welcome info) and renamed (`meta` payloads). */
export const roomNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(Limits.roomNameChars)
  .refine((s) => !ROOM_NAME_FORBIDDEN.test(s), 'room name: no control, bidi or zero-width characters');
export const textSchema = z.string().min(1).max(Limits.textChars);

export const onboardRequest = z.object({ handle: handleSchema }).strict();
export const createRoomRequest = z.object({ name: roomNameSchema, open: z.boolean() }).strict();
export const roomRequest = z.object({ roomId: roomIdSchema }).strict();
export const inviteRequest = z.object({ roomId: roomIdSchema, handle: handleSchema }).strict();
export const removeRequest = inviteRequest;
/**
 * `clientId`: the caller's own id for this message (`sealroom send --id`). Sending again with the same id
 * returns the message already sent under it instead of sending a second one. Printable ASCII, no spaces.
 */
export const clientIdSchema = z.string().min(1).max(128).regex(/^[\x21-\x7e]+$/, 'client id: 1–128 printable ASCII characters, no spaces');
export const sendRequest = z.object({ roomId: roomIdSchema, text: textSchema, clientId: clientIdSchema.optional() }).strict();
export const listMessagesRequest = z
  .object({ roomId: roomIdSchema, limit: z.number().int().min(1).max(1000).optional() })
  .strict();
export const emptyRequest = z.object({}).strict();
export const contactRequest = z.object({ handle: handleSchema }).strict();
/** `digits`, when given, must be the safety number the user compared: a key that changed meanwhile is not verified. */
export const verifyRequest = z
  .object({ handle: handleSchema, digits: z.string().regex(/^[0-9]{60}$/, 'safety number: 60 digits').optional() })
  .strict();
export const listEventsRequest = z
  .object({
    /** Only events with a larger id (for paging and following). */
    after: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  })
  .strict();
/**
 * The answer to `session.login-link`: a one-time browser login link on this proxy's loopback address. The
 * code rides in the fragment, which browsers never send to a server (nor put in a Referer); the page posts it.
 */
export const loginLinkAnswer = z
  .object({ url: z.string().max(200).regex(/^http:\/\/127\.0\.0\.1:\d{1,5}\/login#code=[A-Za-z0-9_-]{16,64}$/, 'url: a login link') })
  .strict();
export type LoginLinkAnswer = z.infer<typeof loginLinkAnswer>;

/** `missing`: a placeholder for messages a sender's chain shows were withheld (its text says how many, from whom). */
export const messageStates = ['sending', 'sent', 'failed', 'received', 'undecryptable', 'missing'] as const;
export type MessageState = (typeof messageStates)[number];

export type ChatMessage = {
  id: string;
  roomId: string;
  /** Sender handle as authenticated by MLS (the leaf's credential), never the relay's claim. */
  sender: string;
  text: string;
  /** Sender's clock for received messages, ours for own ones; ms since the Unix epoch. */
  time: number;
  seq: number | null;
  state: MessageState;
  own: boolean;
};

/**
 * `held`: the next commit brings a changed key for a known contact; the room waits (nothing after it is
 * processed) until the user accepts that key or leaves.
 */
export type RoomStatus = 'active' | 'held' | 'out-of-sync' | 'left' | 'removed';
/**
 * What the user can do about a room that is not active: `accept-key` (compare safety numbers, then trust the
 * changed key), `rejoin` (an open room: `rooms.rejoin` re-enters it by external commit), `ask-to-be-readded`.
 */
export type RoomRecovery = 'accept-key' | 'rejoin' | 'ask-to-be-readded';
export type RoomSummary = {
  roomId: string;
  name: string | null;
  open: boolean;
  epoch: number;
  members: number;
  status: RoomStatus;
  lastSeq: number;
  /** Members whose key changed and is not accepted yet: sending to this room is blocked while non-empty. */
  keyChanged: string[];
  /** Why the room is not active (out-of-sync: what could not be processed), else null. */
  reason: string | null;
  recovery: RoomRecovery | null;
};

/**
 * Trust in a contact's identity key (trust on first use, then verification):
 * `new` — first seen, not compared; `verified` — the user compared safety numbers; `changed` — a different
 * key was offered for this handle and is held until the user accepts it.
 */
export const contactStates = ['new', 'verified', 'changed'] as const;
export type ContactState = (typeof contactStates)[number];
export type Contact = {
  handle: string;
  /** Fingerprint of the accepted identity key. */
  fingerprint: string;
  state: ContactState;
  /** ms since the Unix epoch. */
  firstSeen: number;
  verifiedAt: number | null;
  /** Fingerprint of the new key waiting to be accepted (state `changed`), else null. */
  pendingFingerprint: string | null;
};
/** A member as MLS lists it, with what this device knows of its key. */
export type Member = { handle: string; self: boolean; fingerprint: string; state: ContactState | 'self' };

/**
 * A 60-digit safety number (Signal's numeric-fingerprint construction) over both parties' handles and
 * identity keys: the same on both devices; it changes when either key changes.
 */
export type SafetyNumber = {
  handle: string;
  /** 60 digits, no spaces. */
  digits: string;
  /** The same digits as 12 groups of 5, for display. */
  groups: string[];
  /** What the QR code encodes (scan it on the other device to compare). */
  qr: string;
  state: ContactState;
};

/** A Welcome waiting for the user to accept or decline it; nothing is joined before that. */
export type Invitation = {
  roomId: string;
  name: string | null;
  open: boolean;
  /** The member who says it invited us (inside the signed, encrypted GroupInfo); null if it said nothing. */
  invitedBy: string | null;
  members: Member[];
  /** ms since the Unix epoch. */
  receivedAt: number;
};

/** What a security event is about. Every one is persisted, pushed as `security.event`, and listed by `events`. */
export const securityEventKinds = [
  /** A known contact offered a different identity key (held until accepted). */
  'key-changed',
  /** The user accepted a contact's new key. */
  'key-accepted',
  'contact-verified',
  /** A credential was refused: not bound to its handle at the relay, a duplicate key, a wrong key package. */
  'credential-refused',
  /** The relay said something MLS contradicts (a sender, an account binding, a routing claim). */
  'relay-contradicted',
  'invitation-received',
  'invitation-refused',
  /** A commit was refused (external commit removing others, a removed member rejoining, an unprocessable commit). */
  'commit-refused',
  'room-renamed',
  'room-opened',
  'room-closed',
  /** The relay replayed an entry we had already processed. */
  'replay',
  /** The relay stopped delivering a room while MLS still lists us. */
  'relay-cut-off',
  /** A sender's chain shows messages that never reached this device (dropped by the relay). */
  'messages-missing',
  /** A sender's chain or a message this device cannot decrypt in its own epoch shows members were shown different histories (a fork). */
  'history-differs',
] as const;
export type SecurityEventKind = (typeof securityEventKinds)[number];
export type SecurityEvent = {
  id: number;
  /** ms since the Unix epoch. */
  time: number;
  kind: SecurityEventKind;
  roomId: string | null;
  /** The contact concerned, if any. */
  handle: string | null;
  /** A stable error code for warnings (docs/errors.md), or null for information. */
  code: string | null;
  text: string;
};
export type WhoAmI = { handle: string | null; fingerprint: string | null; connected: boolean; server: string };

export type CreateRoomRequest = z.infer<typeof createRoomRequest>;
export type RoomRequest = z.infer<typeof roomRequest>;
export type InviteRequest = z.infer<typeof inviteRequest>;
export type SendRequest = z.infer<typeof sendRequest>;
export type ListMessagesRequest = z.infer<typeof listMessagesRequest>;
export type OnboardRequest = z.infer<typeof onboardRequest>;
export type ContactRequest = z.infer<typeof contactRequest>;
export type VerifyRequest = z.infer<typeof verifyRequest>;
export type ListEventsRequest = z.infer<typeof listEventsRequest>;

/** Events the browser/CLI sends to its proxy. */
export interface LocalClientEvents {
  whoami: (req: Record<string, never>, ack: AckFn<{ me: WhoAmI }>) => void;
  onboard: (req: OnboardRequest, ack: AckFn<{ me: WhoAmI }>) => void;
  'rooms.list': (req: Record<string, never>, ack: AckFn<{ rooms: RoomSummary[] }>) => void;
  'rooms.create': (req: CreateRoomRequest, ack: AckFn<{ room: RoomSummary }>) => void;
  'rooms.join': (req: RoomRequest, ack: AckFn<{ room: RoomSummary }>) => void;
  'rooms.invite': (req: InviteRequest, ack: AckFn) => void;
  'rooms.remove': (req: InviteRequest, ack: AckFn) => void;
  'rooms.leave': (req: RoomRequest, ack: AckFn) => void;
  'members.list': (req: RoomRequest, ack: AckFn<{ members: Member[] }>) => void;
  'messages.send': (req: SendRequest, ack: AckFn<{ message: ChatMessage }>) => void;
  'messages.list': (req: ListMessagesRequest, ack: AckFn<{ messages: ChatMessage[] }>) => void;
  'contacts.list': (req: Record<string, never>, ack: AckFn<{ contacts: Contact[] }>) => void;
  'contacts.safety-number': (req: ContactRequest, ack: AckFn<{ safety: SafetyNumber }>) => void;
  /** Mark the contact's current key verified (after comparing safety numbers). */
  'contacts.verify': (req: VerifyRequest, ack: AckFn<{ contact: Contact }>) => void;
  /** Accept a changed key: it becomes the contact's key (unverified); held rooms resume. */
  'contacts.trust': (req: ContactRequest, ack: AckFn<{ contact: Contact }>) => void;
  /** Re-enter an out-of-sync open room by external commit (replacing our old leaf). */
  'rooms.rejoin': (req: RoomRequest, ack: AckFn<{ room: RoomSummary }>) => void;
  'invites.list': (req: Record<string, never>, ack: AckFn<{ invites: Invitation[] }>) => void;
  'invites.accept': (req: RoomRequest, ack: AckFn<{ room: RoomSummary }>) => void;
  'invites.decline': (req: RoomRequest, ack: AckFn) => void;
  'events.list': (req: ListEventsRequest, ack: AckFn<{ events: SecurityEvent[] }>) => void;
  /** A fresh one-time login link for a browser (`sealroom open`); answered only over the CLI credential. */
  'session.login-link': (req: Record<string, never>, ack: AckFn<LoginLinkAnswer>) => void;
}

/** Events the proxy pushes to its browser/CLI. */
export interface LocalServerEvents {
  /** A new or updated message (e.g. sending → sent). */
  message: (m: ChatMessage) => void;
  /** A room was added or changed (name, members, epoch, status). */
  room: (r: RoomSummary) => void;
  /** Relay connection status. */
  status: (s: { connected: boolean }) => void;
  /** A new security event (also persisted; `events.list` returns it later). */
  'security.event': (e: SecurityEvent) => void;
  /** A contact was added or changed state. */
  contact: (c: Contact) => void;
  /** The pending invitations changed (one arrived, or one was accepted or declined). */
  invites: (i: { invites: Invitation[] }) => void;
}

export const localApiEventNames = [
  'whoami',
  'onboard',
  'rooms.list',
  'rooms.create',
  'rooms.join',
  'rooms.invite',
  'rooms.remove',
  'rooms.leave',
  'members.list',
  'messages.send',
  'messages.list',
  'rooms.rejoin',
  'contacts.list',
  'contacts.safety-number',
  'contacts.verify',
  'contacts.trust',
  'invites.list',
  'invites.accept',
  'invites.decline',
  'events.list',
  'session.login-link',
] as const satisfies readonly (keyof LocalClientEvents)[];

