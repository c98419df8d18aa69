import type { EventEmitter } from 'node:events';
import type { ClientEvents } from './client-events.js';
import type { MlsConfig as ClientConfig } from '@sealroom/mls';
import type { Identity } from '@sealroom/mls';
import type { ClientStore } from './client-store.js';
import type { KeyedMutex } from './keyed-mutex.js';
import type { RelayConnection } from './relay-connection.js';
import type { GroupCache } from './group-cache.js';
import type { ContactBook } from './contact-book.js';
import type { IdentityGate } from './identity-gate.js';
import type { SecurityLog } from './security-log.js';


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
