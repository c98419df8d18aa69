import type { ChatMessage, Contact, Invitation, RoomSummary, SecurityEvent } from '@sealroom/protocol';

/** What the engine tells its host (the proxy's local API, tests, bots). */
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
