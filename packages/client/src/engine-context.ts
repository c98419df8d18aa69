import type { EventEmitter } from 'node:events';
import type { ChatMessage, Contact, Invitation, RoomSummary, SecurityEvent } from '@sealroom/protocol';
import type { MlsConfig as ClientConfig } from '@sealroom/mls';
import type { Identity } from '@sealroom/mls';
import type { ClientStore } from './client-store.js';
import type { KeyedMutex } from './keyed-mutex.js';
import type { RelayConnection } from './relay-connection.js';
import type { GroupCache } from './group-cache.js';
import type { ContactBook } from './contact-book.js';
import type { IdentityGate } from './identity-gate.js';
import type { SecurityLog } from './security-log.js';

export type ClientEvents = {
  message: [ChatMessage];
  room: [RoomSummary];
  status: [{ connected: boolean }];
  /** Something the user should know about but that is not an error of theirs (key change, bad commit…). */
  warning: [{ roomId: string | null; code: string; text: string }];
  /** A persisted security event (key change, refused credential, lying relay…): show it to the user. */
  security: [SecurityEvent];
  contact: [Contact];
  invites: [Invitation[]];
};

/** What the engine's parts share. One per client; nothing here is global. */
export type EngineContext = {
  store: ClientStore;
  relay: RelayConnection;
  identity: Identity;
  config: ClientConfig;
  mutex: KeyedMutex;
  groups: GroupCache;
  events: EventEmitter<ClientEvents>;
  gate: IdentityGate;
  contacts: ContactBook;
  security: SecurityLog;
};
