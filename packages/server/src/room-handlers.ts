import {
  RelayErrorCode,
  emptyRequest,
  roomCreateRequest,
  roomFetchRequest,
  roomRefRequest,
} from '@sealroom/protocol';
import { paced } from './answer-budget.js';
import { callerOf } from './caller.js';
import { isCanonicalBase64 } from './canonical-base64.js';
import { checkGroupInfo } from './framing-check.js';
import { fail, register } from './handler.js';
import { relayRoom, userRoom, type RelayContext, type RelaySocket } from './relay-context.js';
import { answerBytesOf } from './relay-store.js';

const pageBytes = (entries: readonly { data: string }[]): number => entries.reduce((n, e) => n + answerBytesOf(e.data.length), 0);

/** Room lifecycle and reads: create, info, fetch (catch-up), leave, and the caller's routed rooms. */
export function registerRoomHandlers(ctx: RelayContext, socket: RelaySocket): void {
  register(ctx, socket, {
    event: 'room.create',
    schema: roomCreateRequest,
    handle: async (req) => {
      const caller = callerOf(socket);
      if (req.groupInfo !== undefined && !isCanonicalBase64(req.groupInfo)) {
        return fail(RelayErrorCode.BadRequest, 'non-canonical base64');
      }
      // An open room is joined by external commit, which needs the current GroupInfo (RFC 9420 §12.4.3.2).
      if (req.open && req.groupInfo === undefined) return fail(RelayErrorCode.BadRequest, 'open rooms need groupInfo');
      // A room starts at epoch 0 (RFC 9420 §11): a GroupInfo of another group or epoch would be served to
      // every joiner as this room's state.
      if (req.groupInfo !== undefined) {
        const v = checkGroupInfo(req.roomId, 0, req.groupInfo);
        if (!v.ok) return fail(RelayErrorCode.BadRequest, v.reason);
      }
      const created = await ctx.store.createRoom({
        roomId: req.roomId,
        open: req.open,
        groupInfo: req.groupInfo ?? null,
        creator: caller,
        maxCreatedByCreator: ctx.limits.roomsPerAccount,
      });
      if (created === 'exists') return fail(RelayErrorCode.RoomExists);
      if (created === 'over-quota') {
        ctx.log.warn({ handle: caller, reason: 'rooms per account' }, 'room.create refused');
        return fail(RelayErrorCode.QuotaExceeded, `at most ${ctx.limits.roomsPerAccount} rooms per account`);
      }
      ctx.io.in(userRoom(caller)).socketsJoin(relayRoom(req.roomId));
      ctx.log.info({ room: req.roomId, handle: caller, open: req.open }, 'room.create');
      return { ok: true, seq: 0 };
    },
  });

  register(ctx, socket, {
    event: 'room.info',
    schema: roomRefRequest,
    handle: async (req) => {
      const room = await ctx.store.getRoom(req.roomId);
      if (room === null) return fail(RelayErrorCode.UnknownRoom);
      if (!room.open && !(await ctx.store.isRouted(req.roomId, callerOf(socket)))) {
        return fail(RelayErrorCode.NotMember);
      }
      const members = await ctx.store.routedHandles(req.roomId);
      const { epoch, open, lastSeq, groupInfo } = room;
      return { ok: true, epoch, open, lastSeq, groupInfo, members };
    },
  });

  register(ctx, socket, {
    event: 'room.fetch',
    schema: roomFetchRequest,
    handle: async (req) => {
      const caller = callerOf(socket);
      const room = await ctx.store.getRoom(req.roomId);
      if (room === null) return fail(RelayErrorCode.UnknownRoom);
      // A pending Welcome also grants reading: the joiner catches up from the seq of the commit that added it.
      const allowed =
        (await ctx.store.isRouted(req.roomId, caller)) || (await ctx.store.hasPendingWelcome(caller, req.roomId));
      // Paged by bytes as well as by count: an answer is one frame in memory (several copies of it, while it
      // is encoded), so 500 entries of 160 KiB must not become one 107 MB answer. A page can therefore be
      // short although more follows: `lastSeq` says how far the log goes, and clients fetch until they reach it.
      const maxBytes = ctx.limits.answerBytes;
      if (allowed) {
        const entries = await paced(ctx, caller, async () => ctx.store.fetchEntries(req.roomId, req.after, req.limit, { maxBytes }), pageBytes);
        if (!Array.isArray(entries)) return entries;
        return { ok: true, entries, lastSeq: room.lastSeq };
      }
      // Removed by a commit: readable up to and including that commit, so the device learns it from MLS.
      const until = await ctx.store.departureSeq(req.roomId, caller);
      if (until === null || req.after >= until) return fail(RelayErrorCode.NotMember);
      const entries = await paced(
        ctx,
        caller,
        async () => (await ctx.store.fetchEntries(req.roomId, req.after, req.limit, { maxBytes, untilSeq: until })).filter((e) => e.seq <= until),
        pageBytes,
      );
      if (!Array.isArray(entries)) return entries;
      return { ok: true, entries, lastSeq: until };
    },
  });

  register(ctx, socket, {
    event: 'room.leave',
    schema: roomRefRequest,
    handle: async (req) => {
      const caller = callerOf(socket);
      if ((await ctx.store.getRoom(req.roomId)) === null) return fail(RelayErrorCode.UnknownRoom);
      // Routing only; the MLS removal is another member's commit. Idempotent, so a retry is harmless.
      await ctx.store.removeRouting(req.roomId, caller);
      ctx.io.in(userRoom(caller)).socketsLeave(relayRoom(req.roomId));
      ctx.log.info({ room: req.roomId, handle: caller }, 'room.leave');
      return { ok: true };
    },
  });

  register(ctx, socket, {
    event: 'rooms.mine',
    schema: emptyRequest,
    handle: async () => ({ ok: true, rooms: await ctx.store.roomsOf(callerOf(socket)) }),
  });
}
