import { RelayErrorCode, roomSendRequest } from '@sealroom/protocol';
import { callerOf } from './caller.js';
import { isCanonicalBase64 } from './canonical-base64.js';
import { checkSendFraming } from './framing-check.js';
import { fail, register } from './handler.js';
import { relayRoom, type RelayContext, type RelaySocket } from './relay-context.js';

/**
 * room.send: application messages and proposals, appended only at the room's current epoch (a message from
 * an older epoch could not be processed by members who already moved on; the sender re-encrypts).
 */
export function registerRoomSendHandler(ctx: RelayContext, socket: RelaySocket): void {
  register(ctx, socket, {
    event: 'room.send',
    schema: roomSendRequest,
    handle: async (req) => {
      const caller = callerOf(socket);
      if ((await ctx.store.getRoom(req.roomId)) === null) return fail(RelayErrorCode.UnknownRoom);
      // A retry of the caller's own accepted message (its ack was lost) is answered with its seq before any
      // other check, as for commits: the sender may have been removed since, and must not mark it failed.
      const seen = await ctx.store.findSeqByMsgId(req.roomId, req.msgId);
      if (seen !== null) {
        const [entry] = await ctx.store.fetchEntries(req.roomId, seen - 1, 1);
        if (entry?.sender === caller) return { ok: true, seq: seen, duplicate: true };
      }
      if (!(await ctx.store.isRouted(req.roomId, caller))) return fail(RelayErrorCode.NotMember);
      if (!isCanonicalBase64(req.data)) return fail(RelayErrorCode.BadRequest, 'non-canonical base64');
      const framing = checkSendFraming(req.roomId, req.epoch, req.kind, req.data);
      if (!framing.ok) {
        ctx.log.warn({ room: req.roomId, handle: caller, reason: framing.reason }, 'room.send refused');
        return fail(RelayErrorCode.MessageRefused, framing.reason);
      }
      const res = await ctx.store.append({
        roomId: req.roomId,
        epoch: req.epoch,
        msgId: req.msgId,
        kind: req.kind,
        sender: caller,
        data: req.data,
        time: Date.now(),
        maxSenderBytes: ctx.limits.logBytesPerAccount,
      });
      if (res.status === 'duplicate') return { ok: true, seq: res.seq, duplicate: true };
      if (res.status === 'stale-epoch') return fail(RelayErrorCode.StaleEpoch);
      if (res.status === 'over-quota') {
        ctx.log.warn({ room: req.roomId, handle: caller, reason: 'log bytes per account' }, 'room.send refused');
        return fail(RelayErrorCode.QuotaExceeded, 'this account has stored as much as the relay allows');
      }
      ctx.io.to(relayRoom(req.roomId)).emit('room.entry', res.entry);
      ctx.log.info({ room: req.roomId, handle: caller, seq: res.entry.seq, kind: req.kind, bytes: req.data.length }, 'room.send');
      return { ok: true, seq: res.entry.seq, duplicate: false };
    },
  });
}
