import { decodeGroup, type Group } from '@sealroom/mls';
import type { MlsConfig as ClientConfig } from '@sealroom/mls';
import type { RoomRecord } from './client-store.js';

/**
 * Decoded groups by room, keyed by the exact stored bytes: decoding is costly, and a cache keyed by
 * bytes can never serve a state other than the one persisted.
 */
export class GroupCache {
  readonly #m = new Map<string, { bytes: Uint8Array; group: Group }>();
  constructor(readonly config: ClientConfig) {}

  get(room: RoomRecord): Group {
    const c = this.#m.get(room.roomId);
    if (c && (c.bytes === room.group || Buffer.from(c.bytes).equals(Buffer.from(room.group)))) return c.group;
    const group = decodeGroup(room.group, this.config);
    this.#m.set(room.roomId, { bytes: room.group, group });
    return group;
  }

  /** Remember a group we just encoded into `bytes` (saves a decode on the next read). */
  set(roomId: string, bytes: Uint8Array, group: Group): void {
    this.#m.set(roomId, { bytes, group });
  }
}
