import { missingCaseError, type RoomRecovery, type RoomStatus } from '@sealroom/protocol';
import type { RoomRecord } from './client-store.js';

/**
 * Everything that changes a room's status. One function applies them all, so the room life cycle can be
 * read (and reviewed) in one place; docs/architecture.md draws it.
 *
 *   active ──hold──▶ held ──resume──▶ active
 *   active / held ──desync──▶ out-of-sync ──rejoined──▶ active
 *   active / held ──removed──▶ removed
 *   active / held / out-of-sync ──left──▶ left
 */
export type RoomEvent =
  | { type: 'hold'; handles: string[] }
  | { type: 'resume' }
  | { type: 'desync'; reason: string }
  | { type: 'removed' }
  | { type: 'left' }
  | { type: 'rejoined' };

const allowed: Record<RoomStatus, readonly RoomEvent['type'][]> = {
  active: ['hold', 'desync', 'removed', 'left'],
  held: ['resume', 'desync', 'removed', 'left', 'hold'],
  'out-of-sync': ['rejoined', 'left', 'desync'],
  removed: ['left'],
  left: ['left'],
};

/** Thrown for a transition the life cycle does not have: a programmer error, never input. */
export class IllegalTransition extends Error {
  constructor(from: RoomStatus, ev: RoomEvent['type']) {
    super(`room: no transition ${ev} from ${from}`);
    this.name = 'IllegalTransition';
  }
}

export function canTransition(room: RoomRecord, ev: RoomEvent['type']): boolean {
  return allowed[room.status].includes(ev);
}

/** The room after `ev`; the input is not changed. */
export function transition(room: RoomRecord, ev: RoomEvent): RoomRecord {
  if (!canTransition(room, ev.type)) throw new IllegalTransition(room.status, ev.type);
  const { heldFor: _h, reason: _r, ...base } = room;
  const type = ev.type;
  switch (type) {
    case 'hold':
      return { ...base, status: 'held', heldFor: ev.handles };
    case 'resume':
    case 'rejoined':
      return { ...base, status: 'active' };
    case 'desync':
      return { ...base, status: 'out-of-sync', reason: ev.reason };
    case 'removed':
      return { ...base, status: 'removed' };
    case 'left':
      return { ...base, status: 'left', pendingCommit: null };
    default:
      throw missingCaseError(type);
  }
}

/** What the user can do about a room that is not active. */
export function recoveryOf(room: RoomRecord): RoomRecovery | null {
  const s = room.status;
  switch (s) {
    case 'active':
    case 'left':
      return null;
    case 'held':
      return 'accept-key';
    case 'out-of-sync':
      // RFC 9420 §12.4.3.2: an open room can be re-entered by an external commit that replaces our old leaf.
      return room.open ? 'rejoin' : 'ask-to-be-readded';
    case 'removed':
      return 'ask-to-be-readded';
    default:
      throw missingCaseError(s);
  }
}
