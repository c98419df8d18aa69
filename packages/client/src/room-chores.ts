import { missingCaseError, type Handle } from '@sealroom/protocol';
import { membersOf, ownLeafIndex, proposedRemovals } from '@sealroom/mls';
import type { EngineContext } from './engine-context.js';
import type { EntryFollowUp } from './entry-processor.js';
import type { RoomSync } from './room-sync.js';

/** The payloads the engine sends by itself (not typed by the user). */
export type ControlPayload =
  | { type: 'meta'; name: string; open: boolean; removed: Handle[] }
  | { type: 'meta.request' }
  | { type: 'checkpoint'; seen: Record<Handle, number> };

/** A member other than the lowest leaf waits this long before doing a chore the lowest leaf should have done. */
const BACKUP_DELAY_MS = 2500;

/**
 * What a room asks of its members after an entry: commit the removal of someone who asked to leave
 * (RFC 9420 §12.1.3 self-remove), and tell a newcomer the room's name and settings. The member with the
 * lowest leaf does it at once; the others wait, and do it only if nobody has.
 */
export class RoomChores {
  /** Per room, the seq of the last `meta` seen: an answer after a request means no other answer is needed. */
  readonly #metaSeen = new Map<string, number>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly sync: RoomSync,
    private readonly later: (ms: number, fn: () => Promise<unknown>) => void,
    private readonly send: (roomId: string, p: ControlPayload) => Promise<void>,
    private readonly warn: (roomId: string | null, e: unknown) => void,
  ) {}

  followUp(roomId: string, f: EntryFollowUp): void {
    switch (f.kind) {
      case 'leave-proposed':
        this.checkPendingLeaves(roomId, -1);
        return;
      case 'meta-seen':
        this.#metaSeen.set(roomId, f.seq);
        return;
      case 'meta-requested':
        this.#answerMeta(roomId, f.by, f.seq);
        return;
      case 'members-changed':
        return;
      default:
        throw missingCaseError(f);
    }
  }

  /** Commit the removal of members who asked to leave, lowest leaf first; `delay` < 0: decide who. */
  checkPendingLeaves(roomId: string, delay: number): void {
    const run = async () => {
      await this.sync.runCommit(roomId, async (room, group) => {
        const leaving = membersOf(group).filter((m) => room.pendingLeaves.includes(m.handle));
        if (leaving.length === 0) return null;
        const proposed = new Set(proposedRemovals(group));
        return { removeLeaves: leaving.map((m) => m.leafIndex).filter((l) => !proposed.has(l)) };
      });
    };
    void (async () => {
      const room = await this.ctx.store.getRoom(roomId);
      if (!room || room.pendingLeaves.length === 0) return;
      const ms = delay >= 0 ? delay : await this.#delay(roomId, room.pendingLeaves);
      this.later(ms, run);
    })().catch((e: unknown) => this.warn(roomId, e));
  }

  #answerMeta(roomId: string, by: string, since: number): void {
    void this.#delay(roomId, [by])
      .then((ms) =>
        this.later(ms, async () => {
          const room = await this.ctx.store.getRoom(roomId);
          // Someone may have answered meanwhile; a name seen after the request means no answer is needed.
          if (!room?.name || room.status !== 'active' || (ms > 0 && (this.#metaSeen.get(roomId) ?? 0) > since)) return;
          await this.send(roomId, { type: 'meta', name: room.name, open: room.open, removed: room.removed as Handle[] });
        }),
      )
      .catch((e: unknown) => this.warn(roomId, e));
  }

  /** Am I the member who should do a room chore now (the lowest leaf), or only as a backup later? */
  async #delay(roomId: string, exclude: string[]): Promise<number> {
    const room = await this.ctx.store.getRoom(roomId);
    if (!room) return BACKUP_DELAY_MS;
    const group = this.ctx.groups.get(room);
    const lowest = membersOf(group).find((m) => !exclude.includes(m.handle));
    return lowest?.leafIndex === ownLeafIndex(group) ? 0 : BACKUP_DELAY_MS + Math.floor(Math.random() * BACKUP_DELAY_MS);
  }
}
