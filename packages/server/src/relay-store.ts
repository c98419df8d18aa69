import type { Handle, LogEntry, MessageId, RoomId, RoomMembership, WelcomeEnvelope } from '@sealroom/protocol';

/** A store method may answer synchronously (SQLite) or asynchronously (PostgreSQL); callers always await. */
export type Awaitable<T> = T | Promise<T>;

/** Outcome of binding a handle to an identity key: first come, first served. */
export type AccountBinding = 'registered' | 'matched' | 'taken';

export type RoomRecord = {
  roomId: RoomId;
  open: boolean;
  epoch: number;
  lastSeq: number;
  /** Base64 GroupInfo as last published by a committer, or null (closed rooms need not publish one). */
  groupInfo: string | null;
};

export type KeyPackageCount = { available: number; lastResort: boolean };

export type KeyPackageUpload = {
  handle: Handle;
  keyPackages: readonly string[];
  /** Replaces the previous last-resort package when given. */
  lastResort: string | null;
  /** Upper bound on stored one-time packages after the upload. */
  maxStored: number;
};
export type KeyPackageUploadResult = { ok: true; available: number } | { ok: false; reason: 'too-many' };

export type NewRoom = {
  roomId: RoomId;
  open: boolean;
  groupInfo: string | null;
  creator: Handle;
  /** Refuse ('over-quota') if the creator has created this many rooms already. Absent: no bound. */
  maxCreatedByCreator?: number;
};
export type CreateRoomResult = 'created' | 'exists' | 'over-quota';

/** Bounds of one read (`fetchEntries`, `listWelcomes`). */
export type ReadBounds = {
  /**
   * Stop before the answer passes this many bytes (base64 payloads plus a fixed allowance per item,
   * `answerItemBytes`); the first item is always included, so a reader always progresses.
   */
  maxBytes?: number;
  /** fetchEntries only: no entry with seq above this one. */
  untilSeq?: number;
};

/** One log append. All blobs are canonical base64 and must come back byte-identical. */
export type AppendInput = {
  roomId: RoomId;
  /** The epoch the message was created in; must equal the room's current epoch. */
  epoch: number;
  msgId: MessageId;
  kind: 'application' | 'proposal';
  sender: Handle;
  data: string;
  time: number;
  /** Refuse ('over-quota') if the sender's stored bytes would pass this. Absent: no bound. */
  maxSenderBytes?: number;
};

export type CommitInput = {
  roomId: RoomId;
  /** The epoch the commit was created in: the compare-and-set expects it to be current. */
  epoch: number;
  msgId: MessageId;
  sender: Handle;
  data: string;
  time: number;
  /** Replaces the room's GroupInfo when given. */
  groupInfo: string | null;
  /** Stored once for the commit; every added handle gets its own pending Welcome row pointing at it. */
  welcome: string | null;
  /** Routed to the room and sent the Welcome. */
  adds: readonly Handle[];
  /** Unrouted (and their pending Welcomes to the room dropped) before `adds` and `externalJoiner` are routed. */
  removes: readonly Handle[];
  /**
   * Of `removes` (a programmer error otherwise): removed by a member, so barred from re-joining by external
   * commit (`isBanned`) until a later commit's `adds` names them, which lifts the bar in its transaction.
   * Absent: none.
   */
  bans?: readonly Handle[];
  /** The committer of an external commit (open join): routed, no Welcome. */
  externalJoiner: Handle | null;
  /** Refuse ('over-quota') if the sender's stored bytes (commit plus Welcome) would pass this. */
  maxSenderBytes?: number;
  /** Refuse ('over-quota') if an added handle already has this many pending Welcomes. */
  maxPendingWelcomes?: number;
};

/** Which quota a write would break. */
export type QuotaKind = 'log-bytes' | 'pending-welcomes';

export type AppendResult =
  | { status: 'appended'; entry: LogEntry }
  | { status: 'duplicate'; seq: number }
  | { status: 'stale-epoch' }
  | { status: 'over-quota'; quota: QuotaKind };

export type CommitResult =
  | { status: 'appended'; entry: LogEntry; welcomes: { handle: Handle; welcome: WelcomeEnvelope }[] }
  | { status: 'duplicate'; seq: number }
  | { status: 'stale-epoch' }
  | { status: 'over-quota'; quota: QuotaKind };

/** Bytes an item costs in an answer besides its base64 payload (ids, handles, numbers, JSON keys). */
export const answerItemBytes = 256;
/** The bytes a base64 payload of `chars` characters costs in an answer. */
export const answerBytesOf = (chars: number): number => chars + answerItemBytes;

/**
 * Everything the relay persists. Each mutating method is one transaction: it either happens entirely or
 * not at all, and it has happened durably when the method returns (the relay acknowledges only then).
 * Blobs are passed as canonical base64 strings and must round-trip exactly.
 */
export interface RelayStore {
  bindAccount(handle: Handle, identityKey: string): Awaitable<AccountBinding>;
  /** The handles from the list that have no account. */
  missingAccounts(handles: readonly Handle[]): Awaitable<Handle[]>;
  /** The identity key (base64) bound to each handle, in the order given; null where there is no account. */
  accountKeys(handles: readonly Handle[]): Awaitable<(string | null)[]>;

  uploadKeyPackages(upload: KeyPackageUpload): Awaitable<KeyPackageUploadResult>;
  countKeyPackages(handle: Handle): Awaitable<KeyPackageCount>;
  /**
   * Pops one one-time package (never handed out twice), else the last-resort one (kept), else null. With
   * `lastResortOnly`, only the last-resort one (the per-target claim rate is used up).
   */
  claimKeyPackage(handle: Handle, lastResortOnly?: boolean): Awaitable<string | null>;

  /** 'exists' if the room id is taken. The creator becomes the only routed member; epoch 0, lastSeq 0. */
  createRoom(room: NewRoom): Awaitable<CreateRoomResult>;
  getRoom(roomId: RoomId): Awaitable<RoomRecord | null>;
  isRouted(roomId: RoomId, handle: Handle): Awaitable<boolean>;
  /** Routed handles, sorted. */
  routedHandles(roomId: RoomId): Awaitable<Handle[]>;
  /** Unroutes the handle and deletes its pending Welcomes to the room (as a commit's `removes` does). */
  removeRouting(roomId: RoomId, handle: Handle): Awaitable<void>;
  roomsOf(handle: Handle): Awaitable<RoomMembership[]>;
  /**
   * For a handle a commit removed: the seq of that commit. It may still read the log up to there, so it
   * learns of its removal from MLS. Null if it was never removed (or was added again since).
   */
  departureSeq(roomId: RoomId, handle: Handle): Awaitable<number | null>;
  /** True if a commit's `bans` named the handle and no later commit's `adds` has named it since. */
  isBanned(roomId: RoomId, handle: Handle): Awaitable<boolean>;

  findSeqByMsgId(roomId: RoomId, msgId: MessageId): Awaitable<number | null>;
  /**
   * Dedupe by msgId, then compare-and-set the epoch (RFC 9420 §14: one commit per epoch), append the entry,
   * update GroupInfo, routing and bans, store the Welcomes — all in one transaction.
   */
  commit(input: CommitInput): Awaitable<CommitResult>;
  /** Dedupe by msgId, then append at the current epoch only. */
  append(input: AppendInput): Awaitable<AppendResult>;
  /** Entries with seq > after, ascending, at most limit (and within `bounds`). */
  fetchEntries(roomId: RoomId, after: number, limit: number, bounds?: ReadBounds): Awaitable<LogEntry[]>;

  hasPendingWelcome(handle: Handle, roomId: RoomId): Awaitable<boolean>;
  /** Pending Welcomes, oldest first, within `bounds.maxBytes`. */
  listWelcomes(handle: Handle, bounds?: ReadBounds): Awaitable<WelcomeEnvelope[]>;
  /** Deletes only the handle's own welcome; false if there was none with that id. */
  deleteWelcome(handle: Handle, id: number): Awaitable<boolean>;

  close(): Awaitable<void>;
}
