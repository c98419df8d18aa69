import { ClientErrorCode, handleSchema, roomIdSchema, SealroomError } from '@sealroom/protocol';
import type { Handle, RoomId } from '@sealroom/protocol';

/** Brand a room id coming from the proxy (or typed by the user) before sending it back. */
export function asRoomId(id: string): RoomId {
  const r = roomIdSchema.safeParse(id);
  if (!r.success) throw new SealroomError(ClientErrorCode.BadPayload, 'not a valid room id');
  return r.data;
}

export function asHandle(handle: string): Handle {
  const r = handleSchema.safeParse(handle);
  if (!r.success) throw new SealroomError(ClientErrorCode.BadPayload, 'not a valid handle');
  return r.data;
}

/** Client-side check with a human message; null when valid. */
export function handleProblem(handle: string): string | null {
  if (handle === '') return 'Enter a handle.';
  if (handleSchema.safeParse(handle).success) return null;
  if (handle !== handle.toLowerCase()) return 'Handles are lowercase: use a-z, 0-9, _ . and -.';
  if (handle.length > 32) return 'Handles are at most 32 characters.';
  return 'Use 1–32 of a-z, 0-9, _ . -, starting with a letter or digit.';
}

export function roomIdProblem(id: string): string | null {
  if (id === '') return 'Enter a room id.';
  return roomIdSchema.safeParse(id).success ? null : 'A room id is 32 lowercase hex digits.';
}
