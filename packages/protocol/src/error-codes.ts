/**
 * Stable error codes. Every code that can cross a process boundary (relay ack, local API ack, CLI exit
 * message) is listed here, and docs/errors.md is kept in sync by a test.
 */
export const RelayErrorCode = {
  BadRequest: 'ERR_RELAY_BAD_REQUEST',
  ProtocolVersion: 'ERR_RELAY_PROTOCOL_VERSION',
  Unauthenticated: 'ERR_RELAY_UNAUTHENTICATED',
  BadSignature: 'ERR_RELAY_BAD_SIGNATURE',
  HandleTaken: 'ERR_RELAY_HANDLE_TAKEN',
  UnknownHandle: 'ERR_RELAY_UNKNOWN_HANDLE',
  NoKeyPackage: 'ERR_RELAY_NO_KEY_PACKAGE',
  TooManyKeyPackages: 'ERR_RELAY_TOO_MANY_KEY_PACKAGES',
  UnknownRoom: 'ERR_RELAY_UNKNOWN_ROOM',
  RoomExists: 'ERR_RELAY_ROOM_EXISTS',
  RoomClosed: 'ERR_RELAY_ROOM_CLOSED',
  NotMember: 'ERR_RELAY_NOT_MEMBER',
  StaleEpoch: 'ERR_RELAY_STALE_EPOCH',
  RateLimited: 'ERR_RELAY_RATE_LIMITED',
  /** A commit whose unencrypted MLS framing breaks the rules the relay can check (e.g. an external commit by someone else). */
  CommitRefused: 'ERR_RELAY_COMMIT_REFUSED',
  /** An external commit by a handle a member removed from the room (a commit's `bans`) and nobody has added since. */
  RemovedFromRoom: 'ERR_RELAY_REMOVED_FROM_ROOM',
  /** An application message or proposal whose clear MLS framing is wrong: junk, another group, another epoch, another content type. */
  MessageRefused: 'ERR_RELAY_MESSAGE_REFUSED',
  /** Registration of a handle the relay keeps for itself or its operator (admin, security, sealroom…). */
  HandleReserved: 'ERR_RELAY_HANDLE_RESERVED',
  /** A per-account quota is used up: rooms created, stored log bytes, or a recipient's pending Welcomes. */
  QuotaExceeded: 'ERR_RELAY_QUOTA_EXCEEDED',
  Internal: 'ERR_RELAY_INTERNAL',
} as const;
export type RelayErrorCode = (typeof RelayErrorCode)[keyof typeof RelayErrorCode];

export const ProxyErrorCode = {
  BadRequest: 'ERR_PROXY_BAD_REQUEST',
  BadToken: 'ERR_PROXY_BAD_TOKEN',
  BadOrigin: 'ERR_PROXY_BAD_ORIGIN',
  BadHost: 'ERR_PROXY_BAD_HOST',
  /** A browser handshake whose session cookie does not verify: forged, another proxy's, revoked or too old. */
  BadSession: 'ERR_PROXY_BAD_SESSION',
  /** A login code this proxy did not issue (mistyped, from before a restart, or malformed). */
  BadLoginCode: 'ERR_PROXY_BAD_LOGIN_CODE',
  /** A login code that was already exchanged for a session: each works once. */
  LoginCodeUsed: 'ERR_PROXY_LOGIN_CODE_USED',
  /** A login code older than its lifetime (5 minutes). */
  LoginCodeExpired: 'ERR_PROXY_LOGIN_CODE_EXPIRED',
  NoIdentity: 'ERR_PROXY_NO_IDENTITY',
  IdentityExists: 'ERR_PROXY_IDENTITY_EXISTS',
  UnknownRoom: 'ERR_PROXY_UNKNOWN_ROOM',
  NotMember: 'ERR_PROXY_NOT_MEMBER',
  AlreadyMember: 'ERR_PROXY_ALREADY_MEMBER',
  UnknownInvitation: 'ERR_PROXY_UNKNOWN_INVITATION',
  UnknownContact: 'ERR_PROXY_UNKNOWN_CONTACT',
  SafetyNumberMismatch: 'ERR_PROXY_SAFETY_NUMBER_MISMATCH',
  /** The passphrase does not unlock this data directory's store key (or `store-key.json` was altered). */
  BadPassphrase: 'ERR_PROXY_BAD_PASSPHRASE',
  /** The data directory is protected by a passphrase and none was given. */
  PassphraseRequired: 'ERR_PROXY_PASSPHRASE_REQUIRED',
  /** The store key is missing, malformed, or does not open `proxy.db`. */
  BadStoreKey: 'ERR_PROXY_BAD_STORE_KEY',
  Internal: 'ERR_PROXY_INTERNAL',
} as const;
export type ProxyErrorCode = (typeof ProxyErrorCode)[keyof typeof ProxyErrorCode];

export const MlsErrorCode = {
  /** One opaque code for every failure to decrypt or authenticate a message: no oracle. */
  DecryptFailed: 'ERR_MLS_DECRYPT_FAILED',
  BadMessage: 'ERR_MLS_BAD_MESSAGE',
  CredentialMismatch: 'ERR_MLS_CREDENTIAL_MISMATCH',
  CommitRejected: 'ERR_MLS_COMMIT_REJECTED',
  BadState: 'ERR_MLS_BAD_STATE',
} as const;
export type MlsErrorCode = (typeof MlsErrorCode)[keyof typeof MlsErrorCode];

export const ClientErrorCode = {
  Timeout: 'ERR_CLIENT_TIMEOUT',
  Disconnected: 'ERR_CLIENT_DISCONNECTED',
  BadPayload: 'ERR_CLIENT_BAD_PAYLOAD',
  /** A known contact offered a new identity key: held until the user accepts it (`sealroom trust HANDLE`). */
  KeyChanged: 'ERR_CLIENT_KEY_CHANGED',
  /** A commit that breaks Sealroom's rules (an external commit removing someone else, a removed member rejoining). */
  CommitRefused: 'ERR_CLIENT_COMMIT_REFUSED',
  /** The relay's answer contradicts what MLS authenticates (e.g. its account binding for a handle). */
  RelayContradicted: 'ERR_CLIENT_RELAY_CONTRADICTED',
  /** An ack from the relay that fails the answer schema of its request (wrong shape, oversize, unknown code). */
  BadAnswer: 'ERR_CLIENT_BAD_ANSWER',
  /** A contact changed between reading it and writing it (compare-and-set): decide again. */
  ContactConflict: 'ERR_CLIENT_CONTACT_CONFLICT',
  Internal: 'ERR_CLIENT_INTERNAL',
} as const;
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

export const CliErrorCode = {
  Usage: 'ERR_CLI_USAGE',
  ProxyUnreachable: 'ERR_CLI_PROXY_UNREACHABLE',
} as const;
export type CliErrorCode = (typeof CliErrorCode)[keyof typeof CliErrorCode];

export type ErrorCode = RelayErrorCode | ProxyErrorCode | MlsErrorCode | ClientErrorCode | CliErrorCode;

/** Every code, for docs sync tests and exhaustive checks. */
export const allErrorCodes: readonly ErrorCode[] = [
  ...Object.values(RelayErrorCode),
  ...Object.values(ProxyErrorCode),
  ...Object.values(MlsErrorCode),
  ...Object.values(ClientErrorCode),
  ...Object.values(CliErrorCode),
];
