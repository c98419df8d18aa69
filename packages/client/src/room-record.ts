import { encodeGroup, epochOf, type Group } from '@sealroom/mls';
import type { RoomRecord } from './client-store.js';

/** The record of a room we have just entered (created, joined from a Welcome, or joined externally). */
export function newRoom(
  roomId: string,
  group: Group,
  o: { name: string | null; open: boolean; lastSeq: number; removed?: string[] },
): RoomRecord {
  return {
    roomId,
    name: o.name,
    open: o.open,
    status: 'active',
    epoch: epochOf(group),
    lastSeq: o.lastSeq,
    group: encodeGroup(group),
    pendingCommit: null,
    pendingLeaves: [],
    removed: o.removed ?? [],
  };
}
