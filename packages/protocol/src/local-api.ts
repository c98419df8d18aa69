import { z } from 'zod';
import type { AckFn } from './ack.js';
import { handleSchema, messageIdSchema, roomIdSchema } from './ids.js';
import { Limits } from './limits.js';

/**
 * Local API: browser or CLI ↔ the user's own proxy, over socket.io on 127.0.0.1. Same shape as the relay:
 * one payload object per event, an ack with `{ ok }`. The proxy parses every payload with these schemas.
 */
export const LOCAL_API_VERSION = 1;

export const roomNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(Limits.roomNameChars)
  // No control characters: names show up in terminals and title bars.
  .regex(/^[^\p{Cc}]*$/u, 'room name: no control characters');
export const textSchema = z.string().min(1).max(Limits.textChars);

export const onboardRequest = z.object({ handle: handleSchema }).strict();
export const createRoomRequest = z.object({ name: roomNameSchema, open: z.boolean() }).strict();
export const roomRequest = z.object({ roomId: roomIdSchema }).strict();
export const inviteRequest = z.object({ roomId: roomIdSchema, handle: handleSchema }).strict();
export const removeRequest = inviteRequest;
export const sendRequest = z.object({ roomId: roomIdSchema, text: textSchema }).strict();
export const listMessagesRequest = z
  .object({ roomId: roomIdSchema, limit: z.number().int().min(1).max(1000).optional() })
  .strict();
export const emptyRequest = z.object({}).strict();

export const messageStates = ['sending', 'sent', 'failed', 'received', 'undecryptable'] as const;
export type MessageState = (typeof messageStates)[number];

export type ChatMessage = {
  id: string;
  roomId: string;
  /** Sender handle as authenticated by MLS (the leaf's credential), never the relay's claim. */
  sender: string;
  text: string;
  /** Sender's clock for received messages, ours for own ones; ms since the Unix epoch. */
  time: number;
  seq: number | null;
  state: MessageState;
  own: boolean;
};

export type RoomStatus = 'active' | 'left' | 'removed' | 'failed';
export type RoomSummary = {
  roomId: string;
  name: string | null;
  open: boolean;
  epoch: number;
  members: number;
  status: RoomStatus;
  lastSeq: number;
};
export type Member = { handle: string; self: boolean; fingerprint: string };
export type WhoAmI = { handle: string | null; fingerprint: string | null; connected: boolean; server: string };

export type CreateRoomRequest = z.infer<typeof createRoomRequest>;
export type RoomRequest = z.infer<typeof roomRequest>;
export type InviteRequest = z.infer<typeof inviteRequest>;
export type SendRequest = z.infer<typeof sendRequest>;
export type ListMessagesRequest = z.infer<typeof listMessagesRequest>;
export type OnboardRequest = z.infer<typeof onboardRequest>;

/** Events the browser/CLI sends to its proxy. */
export interface LocalClientEvents {
  whoami: (req: Record<string, never>, ack: AckFn<{ me: WhoAmI }>) => void;
  onboard: (req: OnboardRequest, ack: AckFn<{ me: WhoAmI }>) => void;
  'rooms.list': (req: Record<string, never>, ack: AckFn<{ rooms: RoomSummary[] }>) => void;
  'rooms.create': (req: CreateRoomRequest, ack: AckFn<{ room: RoomSummary }>) => void;
  'rooms.join': (req: RoomRequest, ack: AckFn<{ room: RoomSummary }>) => void;
  'rooms.invite': (req: InviteRequest, ack: AckFn) => void;
  'rooms.remove': (req: InviteRequest, ack: AckFn) => void;
  'rooms.leave': (req: RoomRequest, ack: AckFn) => void;
  'members.list': (req: RoomRequest, ack: AckFn<{ members: Member[] }>) => void;
  'messages.send': (req: SendRequest, ack: AckFn<{ message: ChatMessage }>) => void;
  'messages.list': (req: ListMessagesRequest, ack: AckFn<{ messages: ChatMessage[] }>) => void;
}

/** Events the proxy pushes to its browser/CLI. */
export interface LocalServerEvents {
  /** A new or updated message (e.g. sending → sent). */
  message: (m: ChatMessage) => void;
  /** A room was added or changed (name, members, epoch, status). */
  room: (r: RoomSummary) => void;
  /** Relay connection status. */
  status: (s: { connected: boolean }) => void;
}

export const localApiEventNames = [
  'whoami',
  'onboard',
  'rooms.list',
  'rooms.create',
  'rooms.join',
  'rooms.invite',
  'rooms.remove',
  'rooms.leave',
  'members.list',
  'messages.send',
  'messages.list',
] as const satisfies readonly (keyof LocalClientEvents)[];

