import { RelayErrorCode, roomCommitRequest } from '@sealroom/protocol';
import { callerOf } from './caller.js';
import { allCanonicalBase64 } from './canonical-base64.js';
import { checkExternalCommit } from './external-commit-check.js';
import { checkCommitFraming } from './framing-check.js';
import { fail, register } from './handler.js';
import { relayRoom, userRoom, type RelayContext, type RelaySocket } from './relay-context.js';

/**
 * room.commit: the relay's one ordering decision. A commit is accepted only if it was created in the room's
 * current epoch (compare-and-set in the store, RFC 9420 §14 / RFC 9750 §5.2); a loser changes nothing and
 * gets ERR_RELAY_STALE_EPOCH. Fan-out and Welcome delivery happen only after the transaction has committed.
 * External commits are also read (public framing only, no keys): see `checkExternalCommit`; and one by a
 * handle a member removed (a commit's `bans` hint) is refused until a member adds it again.
 */
export function registerRoomCommitHandler(ctx: RelayContext, socket: RelaySocket): void {
  register(ctx, socket, {
    event: 'room.commit',
    schema: roomCommitRequest,
    handle: async (req) => {
      const caller = callerOf(socket);
      const bans = req.bans ?? [];
      const room = await ctx.store.getRoom(req.roomId);
      if (room === null) return fail(RelayErrorCode.UnknownRoom);
      // A retry of an accepted commit (lost ack) is answered with its seq, before any other check.
      const seen = await ctx.store.findSeqByMsgId(req.roomId, req.msgId);
      if (seen !== null) return { ok: true, seq: seen, duplicate: true };
      if (!allCanonicalBase64([req.commit, req.groupInfo, req.welcome])) {
        return fail(RelayErrorCode.BadRequest, 'non-canonical base64');
      }
      if (req.external) {
        if (!room.open) return fail(RelayErrorCode.RoomClosed);
        // RFC 9420 §12.4.3.2: an external commit carries no Add, so it can only bring in its committer.
        if (req.adds.length > 0) return fail(RelayErrorCode.BadRequest, 'external commits add no one else');
        if (bans.length > 0) return fail(RelayErrorCode.BadRequest, 'external commits ban no one');
        // A member removed the caller: only a member's Add lets it back in (honest members refuse the rejoin
        // too, and would have to stop the room). Read outside the commit's transaction, this is still exact:
        // a ban is written only with an epoch change, so a ban that lands after this read makes the
        // compare-and-set below fail.
        if (await ctx.store.isBanned(req.roomId, caller)) {
          ctx.log.warn({ room: req.roomId, handle: caller, reason: 'removed by a member' }, 'room.commit refused');
          return fail(RelayErrorCode.RemovedFromRoom, 'a member removed you from this room; ask a member to invite you again');
        }
        // Lost the race: the store's compare-and-set would refuse it too, and the room's GroupInfo (which
        // the checks below resolve leaves against) already describes a later epoch.
        if (req.epoch !== room.epoch) return fail(RelayErrorCode.StaleEpoch);
        const [callerKey] = await ctx.store.accountKeys([caller]);
        if (callerKey === null || callerKey === undefined) return fail(RelayErrorCode.Internal);
        const verdict = checkExternalCommit({
          roomId: req.roomId,
          epoch: req.epoch,
          commit: req.commit,
          caller,
          callerKey,
          removes: req.removes,
          groupInfo: room.groupInfo,
        });
        if (!verdict.ok) {
          ctx.log.warn({ room: req.roomId, handle: caller, reason: verdict.reason }, 'room.commit refused');
          return fail(RelayErrorCode.CommitRefused, verdict.reason);
        }
      } else if (!(await ctx.store.isRouted(req.roomId, caller))) {
        return fail(RelayErrorCode.NotMember);
      }
      // Junk, another group's commit, one from another epoch or not a commit at all is refused before the
      // store sees it: otherwise it would win the compare-and-set and move the room's epoch for nobody.
      const framing = checkCommitFraming({
        roomId: req.roomId,
        epoch: req.epoch,
        external: req.external,
        commit: req.commit,
        groupInfo: req.groupInfo,
        welcome: req.welcome,
        adds: req.adds,
      });
      if (!framing.ok) {
        ctx.log.warn({ room: req.roomId, handle: caller, reason: framing.reason }, 'room.commit refused');
        return fail(RelayErrorCode.CommitRefused, framing.reason);
      }
      if (req.adds.some((h) => req.removes.includes(h))) {
        return fail(RelayErrorCode.BadRequest, 'a handle is both added and removed');
      }
      if (bans.some((h) => !req.removes.includes(h))) return fail(RelayErrorCode.BadRequest, 'a banned handle is not removed');
      if ((await ctx.store.missingAccounts(req.adds)).length > 0) return fail(RelayErrorCode.UnknownHandle);
      // Joiners of an open room always need the current GroupInfo, so every commit must publish it.
      if (room.open && req.groupInfo === undefined) return fail(RelayErrorCode.BadRequest, 'open rooms need groupInfo');

      const res = await ctx.store.commit({
        roomId: req.roomId,
        epoch: req.epoch,
        msgId: req.msgId,
        sender: caller,
        data: req.commit,
        time: Date.now(),
        groupInfo: req.groupInfo ?? null,
        welcome: req.welcome ?? null,
        adds: req.adds,
        removes: req.removes,
        bans,
        externalJoiner: req.external ? caller : null,
        maxSenderBytes: ctx.limits.logBytesPerAccount,
        maxPendingWelcomes: ctx.limits.pendingWelcomesPerHandle,
      });
      if (res.status === 'duplicate') return { ok: true, seq: res.seq, duplicate: true };
      if (res.status === 'stale-epoch') return fail(RelayErrorCode.StaleEpoch);
      if (res.status === 'over-quota') {
        ctx.log.warn({ room: req.roomId, handle: caller, reason: res.quota }, 'room.commit refused');
        return fail(
          RelayErrorCode.QuotaExceeded,
          res.quota === 'log-bytes'
            ? 'this account has stored as much as the relay allows'
            : 'an invitee has too many pending invitations; ask them to open Sealroom',
        );
      }

      const target = relayRoom(req.roomId);
      // Broadcast before unrouting, so removed members see the commit that removed them.
      ctx.io.to(target).emit('room.entry', res.entry);
      for (const h of req.removes) ctx.io.in(userRoom(h)).socketsLeave(target);
      for (const h of req.adds) ctx.io.in(userRoom(h)).socketsJoin(target);
      if (req.external) ctx.io.in(userRoom(caller)).socketsJoin(target);
      for (const { handle, welcome } of res.welcomes) ctx.io.to(userRoom(handle)).emit('welcome', welcome);
      ctx.log.info(
        {
          room: req.roomId,
          handle: caller,
          seq: res.entry.seq,
          epoch: req.epoch + 1,
          bytes: req.commit.length,
          adds: req.adds.length,
          removes: req.removes.length,
          bans: bans.length,
          external: req.external,
        },
        'room.commit',
      );
      return { ok: true, seq: res.entry.seq, duplicate: false };
    },
  });
}
