import type { ChatMessage, ContactState, RoomStatus, SecurityEvent } from '@sealroom/protocol';

/** A commit we built and sent but have not yet seen accepted: resent byte-for-byte after a reconnect. */
export type PendingCommit = {
  msgId: string;
  epoch: number;
  commit: string;
  groupInfo: string | null;
  welcome: string | null;
  adds: string[];
  removes: string[];
  /** Of `removes`, those removed by a member rather than leaving: the relay refuses their external rejoin. Absent in 0.1 records. */
  bans?: string[];
  external: boolean;
  /** The group state to adopt when the relay's log shows this commit (RFC 9420 §14). */
  newGroup: Uint8Array;
};

export type RoomRecord = {
  roomId: string;
  name: string | null;
  open: boolean;
  status: RoomStatus;
  /** MLS epoch of `group`; equals the relay's epoch counter for the room. */
  epoch: number;
  /** Last relay sequence number fully processed and persisted. */
  lastSeq: number;
  group: Uint8Array;
  pendingCommit: PendingCommit | null;
  /** Handles that asked to leave and are still in the tree. */
  pendingLeaves: string[];
  /**
   * Handles a member removed (not those who left): an external join by one of them is refused until
   * someone invites it again. Learned from MLS (a removal no self-remove proposal asked for) and, for
   * newcomers, from the room metadata.
   */
  removed: string[];
  /** While `status` is `out-of-sync`: what could not be processed. */
  reason?: string;
  /** While `status` is `held`: the contacts whose changed key the next commit brings. */
  heldFor?: string[];
  /** Entered only to decline an invitation (and leave by self-remove): never listed as a room. */
  declined?: true;
  /** Our own chain head in this room: counter and hash of our last payload (see history-chain.ts). */
  chain?: { n: number; h: string };
  /** Each sender's chain head as this device has seen it. */
  senders?: Record<string, { n: number; h: string }>;
  /** Each sender's messages a gap showed missing, to fill in if they arrive late. */
  missing?: Record<string, { to: number; seq: number; ns: number[] }[]>;
  /** Our chain counter when we last sent a checkpoint. */
  checkpointN?: number;
};

/**
 * What this device knows of a handle's identity key. Keyed by handle; `identityKey` is the account key
 * the relay binds to the handle. Multi-device later adds device keys endorsed by it (docs/architecture.md).
 */
export type ContactRecord = {
  handle: string;
  identityKey: Uint8Array;
  firstSeen: number;
  state: ContactState;
  verifiedAt: number | null;
  /** A different key offered for this handle, held until the user accepts it (state `changed`). */
  pendingKey: Uint8Array | null;
};

/**
 * A contact write that happens only if the contact is still what the writer read (compare-and-set): two
 * operations deciding on one handle at once, or a verify racing a key change, cannot overwrite each other.
 * `prev: null` means "only if there is no contact yet". A mismatch fails the whole write with
 * ERR_CLIENT_CONTACT_CONFLICT and changes nothing; the operation is decided again.
 */
export type ContactWrite = { next: ContactRecord; prev: ContactRecord | null };

/** A Welcome processed but not accepted yet: the joined group waits here, nothing is a room until accept. */
export type InvitationRecord = {
  roomId: string;
  /** Seq of the commit that added us: catch-up starts after it. */
  seq: number;
  /** The group state as joined from the Welcome. */
  group: Uint8Array;
  name: string | null;
  open: boolean;
  invitedBy: string | null;
  removed: string[];
  receivedAt: number;
};

export type NewSecurityEvent = Omit<SecurityEvent, 'id' | 'time'>;

/** A ciphertext waiting for the relay's ack; retries send these exact bytes (no nonce is reused). */
export type OutboxItem = {
  roomId: string;
  msgId: string;
  epoch: number;
  /** The ciphertext as first sent (base64). */
  data: string;
  /** The application payload (JSON), to re-encrypt if the relay says the epoch moved on before it was accepted. */
  plain: string;
  /** When it was first queued (µs, increasing per client): a room's outbox goes out in this order. Absent in 0.1 rows. */
  queued?: number;
  /**
   * Set once the relay acked it: the row stays until the entry is applied from the log, so that our own
   * message is recognised there (MLS senders cannot decrypt their own messages) and never resent.
   */
  ackedSeq?: number;
};

export type OwnKeyPackageRecord = { ref: string; publicBytes: Uint8Array; privateBytes: Uint8Array; lastResort: boolean };

/** One atomic write: a room's new state, the messages it produced, and outbox changes. */
export type RoomWrite = {
  /** The room's new record; absent when only messages or the outbox change (no MLS state to rewrite). */
  room?: RoomRecord;
  messages?: ChatMessage[];
  outboxPut?: OutboxItem[];
  outboxDelete?: string[];
  /** Contact records created or changed by the same operation (they change only if it succeeds). */
  contacts?: ContactWrite[];
  /** Placeholder messages that are no longer needed (what they stood for arrived). */
  messagesDelete?: string[];
  /** An invitation this write turns into a room (accept) or drops. */
  invitationDelete?: string;
};

/**
 * Everything the engine persists. Implementations must make `writeRoom` atomic (all or nothing) and
 * durable before it resolves: that is what lets us ack, and never lose what was acked.
 */
export interface ClientStore {
  getIdentity(): Promise<string | null>;
  setIdentity(encoded: string): Promise<void>;

  putKeyPackages(kps: OwnKeyPackageRecord[]): Promise<void>;
  getKeyPackage(ref: string): Promise<OwnKeyPackageRecord | null>;
  deleteKeyPackage(ref: string): Promise<void>;
  hasLastResortKeyPackage(): Promise<boolean>;

  listRooms(): Promise<RoomRecord[]>;
  getRoom(roomId: string): Promise<RoomRecord | null>;
  writeRoom(w: RoomWrite): Promise<void>;

  getMessage(roomId: string, id: string): Promise<ChatMessage | null>;
  listMessages(roomId: string, limit: number): Promise<ChatMessage[]>;
  listOutbox(): Promise<OutboxItem[]>;
  getOutboxItem(roomId: string, msgId: string): Promise<OutboxItem | null>;

  /** The contacts with these handles (absent ones are simply missing from the map). */
  getContacts(handles: readonly string[]): Promise<Map<string, ContactRecord>>;
  listContacts(): Promise<ContactRecord[]>;
  /** Compare-and-set, all or nothing (see ContactWrite). */
  putContacts(contacts: ContactWrite[]): Promise<void>;

  putInvitation(inv: InvitationRecord): Promise<void>;
  getInvitation(roomId: string): Promise<InvitationRecord | null>;
  listInvitations(): Promise<InvitationRecord[]>;
  deleteInvitation(roomId: string): Promise<void>;

  /** Persist a security event; ids increase. */
  appendEvent(e: NewSecurityEvent): Promise<SecurityEvent>;
  /** Events with id > after, oldest first, at most limit (the newest `limit` when after is 0). */
  listEvents(after: number, limit: number): Promise<SecurityEvent[]>;

  close(): Promise<void>;
}

/** Whether a stored contact is exactly the one a writer read (`prev`); null/absent compare equal. */
export function contactMatches(stored: ContactRecord | undefined, prev: ContactRecord | null): boolean {
  if (!stored || !prev) return !stored && !prev;
  const eq = (a: Uint8Array | null, b: Uint8Array | null) => (a === null || b === null ? a === b : Buffer.from(a).equals(Buffer.from(b)));
  return stored.state === prev.state && stored.verifiedAt === prev.verifiedAt && eq(stored.identityKey, prev.identityKey) && eq(stored.pendingKey, prev.pendingKey);
}
