import type { AckFn } from './ack.js';
import type { Handle, RoomId } from './ids.js';
import type {
  AccountKey,
  AuthRequest,
  IdentityLookupRequest,
  HelloRequest,
  KeyPackageClaimRequest,
  KeyPackageUploadRequest,
  LogEntry,
  RoomCommitRequest,
  RoomCreateRequest,
  RoomFetchRequest,
  RoomRefRequest,
  RoomSendRequest,
  WelcomeAckRequest,
  WelcomeEnvelope,
} from './relay-schemas.js';

export type RoomMembership = { roomId: RoomId; epoch: number; lastSeq: number; open: boolean };

/** Events a device sends to the relay. Each takes one payload object and an ack callback. */
export interface RelayClientEvents {
  hello: (req: HelloRequest, ack: AckFn<{ challenge: string; protocol: number }>) => void;
  auth: (req: AuthRequest, ack: AckFn<{ registered: boolean }>) => void;
  'kp.upload': (req: KeyPackageUploadRequest, ack: AckFn<{ available: number }>) => void;
  'kp.count': (req: Record<string, never>, ack: AckFn<{ available: number; lastResort: boolean }>) => void;
  'kp.claim': (req: KeyPackageClaimRequest, ack: AckFn<{ keyPackage: string }>) => void;
  /** The account binding (handle → identity key) for each handle asked, in the order asked. */
  'identity.lookup': (req: IdentityLookupRequest, ack: AckFn<{ accounts: AccountKey[] }>) => void;
  'room.create': (req: RoomCreateRequest, ack: AckFn<{ seq: number }>) => void;
  'room.info': (
    req: RoomRefRequest,
    ack: AckFn<{ epoch: number; open: boolean; lastSeq: number; groupInfo: string | null; members: Handle[] }>,
  ) => void;
  'room.commit': (req: RoomCommitRequest, ack: AckFn<{ seq: number; duplicate: boolean }>) => void;
  'room.send': (req: RoomSendRequest, ack: AckFn<{ seq: number; duplicate: boolean }>) => void;
  'room.fetch': (req: RoomFetchRequest, ack: AckFn<{ entries: LogEntry[]; lastSeq: number }>) => void;
  'room.leave': (req: RoomRefRequest, ack: AckFn) => void;
  'rooms.mine': (req: Record<string, never>, ack: AckFn<{ rooms: RoomMembership[] }>) => void;
  'welcome.list': (req: Record<string, never>, ack: AckFn<{ welcomes: WelcomeEnvelope[] }>) => void;
  'welcome.ack': (req: WelcomeAckRequest, ack: AckFn) => void;
}

/** Events the relay pushes to devices. */
export interface RelayServerEvents {
  /** A new entry in the log of a room this device is routed to. */
  'room.entry': (entry: LogEntry) => void;
  /** A Welcome for this handle, stored after its commit was accepted. */
  welcome: (w: WelcomeEnvelope) => void;
}

export type RelayClientEventName = keyof RelayClientEvents;
export const relayClientEventNames = [
  'hello',
  'auth',
  'kp.upload',
  'kp.count',
  'kp.claim',
  'identity.lookup',
  'room.create',
  'room.info',
  'room.commit',
  'room.send',
  'room.fetch',
  'room.leave',
  'rooms.mine',
  'welcome.list',
  'welcome.ack',
] as const satisfies readonly RelayClientEventName[];

/**
 * The bytes a device signs to authenticate a relay connection. The challenge is fresh per connection, so
 * a signature cannot be replayed on another connection; the relay's public origin is in it, so a relay the
 * device talks to cannot forward another relay's challenge and log in there as the device; the label keeps
 * it from meaning anything else.
 */
export function authTranscript(challengeB64: string, handle: string, identityKeyB64: string, relayOrigin: string): Uint8Array {
  return new TextEncoder().encode(`sealroom-relay-auth-v2\n${relayOrigin}\n${challengeB64}\n${handle}\n${identityKeyB64}`);
}

/**
 * The canonical origin of a relay URL as it goes into the auth transcript: scheme, host and port, lowercase,
 * default ports dropped (WHATWG URL origin). Both sides compute it the same way. Throws TypeError on a non-URL.
 */
export function relayOrigin(url: string): string {
  return new URL(url).origin;
}
