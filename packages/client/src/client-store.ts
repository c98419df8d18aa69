import type { ChatMessage, RoomStatus } from '@sealroom/protocol';
import type { KeyDirectory } from '@sealroom/mls';

/** A commit we built and sent but have not yet seen accepted: resent byte-for-byte after a reconnect. */
export type PendingCommit = {
  msgId: string;
  epoch: number;
  commit: string;
  groupInfo: string | null;
  welcome: string | null;
  adds: string[];
  removes: string[];
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
};

/** A ciphertext waiting for the relay's ack; retries send these exact bytes (no nonce is reused). */
export type OutboxItem = {
  roomId: string;
  msgId: string;
  epoch: number;
  /** The ciphertext as first sent (base64). */
  data: string;
  /** The application payload (JSON), to re-encrypt if the relay says the epoch moved on before it was accepted. */
  plain: string;
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
};

/**
 * Everything the engine persists. Implementations must make `writeRoom` atomic (all or nothing) and
 * durable before it resolves: that is what lets us ack, and never lose what was acked.
 */
export interface ClientStore extends KeyDirectory {
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

  close(): Promise<void>;
}
