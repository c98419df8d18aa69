export { startRelay } from './start-relay.js';
export type { RelayOptions, RunningRelay } from './start-relay.js';
export { SqliteRelayStore } from './sqlite-relay-store.js';
export { SQLITE_SCHEMA_VERSION } from './sqlite-schema.js';
export type {
  RelayStore,
  Awaitable,
  AccountBinding,
  RoomRecord,
  KeyPackageCount,
  KeyPackageUpload,
  KeyPackageUploadResult,
  NewRoom,
  CreateRoomResult,
  ReadBounds,
  QuotaKind,
  AppendInput,
  AppendResult,
  CommitInput,
  CommitResult,
} from './relay-store.js';
export type { ConnectionLimits, RelayLimits } from './relay-limits.js';
export { defaultRelayLimits, defaultReservedHandles, parseLimitOverrides } from './relay-limits.js';
