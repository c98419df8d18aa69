import type { Handle, RelayClientEvents, RelayServerEvents, RoomId } from '@sealroom/protocol';
import type { DefaultEventsMap, Server, Socket } from 'socket.io';
import type { Admission } from './admission.js';
import type { RelayLog } from './relay-logger.js';
import type { RelayLimits } from './relay-limits.js';
import type { RelayStore } from './relay-store.js';
import type { TokenBucket } from './token-bucket.js';

/** Per-connection state, kept on `socket.data`. */
export type RelaySocketData = {
  /** Set by `hello`, consumed by the next `auth`: a challenge is good for one attempt. */
  challenge: string | null;
  /** Set once `auth` succeeds; every event but hello/auth requires it. */
  handle: Handle | null;
  bucket: TokenBucket;
  /** The client's address as the per-address limits count it (`clientAddress`). */
  address: string;
};

/** No inter-server events: a multi-node deployment shares state through the store and the adapter. */
type InterServerEvents = DefaultEventsMap;
export type RelayServer = Server<RelayClientEvents, RelayServerEvents, InterServerEvents, RelaySocketData>;
export type RelaySocket = Socket<RelayClientEvents, RelayServerEvents, InterServerEvents, RelaySocketData>;

/** What every handler gets: the socket.io server (for fan-out), the store, the log sink, the relay's origins. */
export type RelayContext = {
  io: RelayServer;
  store: RelayStore;
  /** Receives metadata only — event names, handles, room ids, sizes, codes — never payload bytes. */
  log: RelayLog;
  /** Relay origins a login transcript may name (`authTranscript`); any other is another relay's login. */
  acceptedOrigins: readonly string[];
  limits: RelayLimits;
  admission: Admission;
  /** True for a handle nobody may register (`RelayOptions.reservedHandles`). */
  isReserved: (handle: string) => boolean;
};

/** socket.io room of every connection authenticated as a handle. */
export const userRoom = (handle: Handle): string => `user:${handle}`;
/** socket.io room of every connection whose handle is routed to a relay room. */
export const relayRoom = (roomId: RoomId): string => `room:${roomId}`;
