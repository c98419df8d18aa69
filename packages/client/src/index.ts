export { SealroomClient } from './sealroom-client.js';
export type { SealroomClientOptions } from './sealroom-client.js';
export type { ClientEvents } from './client-events.js';
export type {
  ClientStore,
  RoomRecord,
  RoomWrite,
  OutboxItem,
  PendingCommit,
  OwnKeyPackageRecord,
  ContactRecord,
  ContactWrite,
  InvitationRecord,
  NewSecurityEvent,
} from './client-store.js';
export type { AutoAccept } from './invitations.js';
export { SAFETY_QR_PREFIX } from './contact-book.js';
export { MemoryClientStore, compareMessages } from './memory-client-store.js';
export { contactMatches } from './client-store.js';
export { RelayConnection, expectOk } from './relay-connection.js';
export { randomId } from './random-id.js';
