import { randomBytes } from 'node:crypto';
import { RELAY_PROTOCOL_VERSION, RelayErrorCode, authRequest, authTranscript, helloRequest } from '@sealroom/protocol';
import { isCanonicalBase64 } from './canonical-base64.js';
import { verifyEd25519 } from './ed25519-verify.js';
import { fail, register } from './handler.js';
import { relayRoom, userRoom, type RelayContext, type RelaySocket } from './relay-context.js';

const CHALLENGE_BYTES = 32;

/**
 * hello → challenge, auth → proof of the identity key. The challenge is fresh per connection and good for
 * one attempt, so a signature cannot be replayed on another connection or retried against a new one; the
 * transcript names this relay's origin, so it cannot be relayed from a connection to another relay either.
 */
export function registerSessionHandlers(ctx: RelayContext, socket: RelaySocket, onAuthenticated: () => void): void {
  register(ctx, socket, {
    event: 'hello',
    schema: helloRequest,
    public: true,
    handle: (req) => {
      if (socket.data.handle !== null) return fail(RelayErrorCode.BadRequest, 'already authenticated');
      if (req.protocol !== RELAY_PROTOCOL_VERSION) {
        return fail(RelayErrorCode.ProtocolVersion, `this relay speaks protocol ${RELAY_PROTOCOL_VERSION}`);
      }
      const challenge = randomBytes(CHALLENGE_BYTES).toString('base64');
      socket.data.challenge = challenge;
      return { ok: true, challenge, protocol: RELAY_PROTOCOL_VERSION };
    },
  });

  register(ctx, socket, {
    event: 'auth',
    schema: authRequest,
    public: true,
    handle: async (req) => {
      if (socket.data.handle !== null) return fail(RelayErrorCode.BadRequest, 'already authenticated');
      const challenge = socket.data.challenge;
      if (challenge === null) return fail(RelayErrorCode.Unauthenticated, 'send hello first');
      socket.data.challenge = null;
      if (!isCanonicalBase64(req.identityKey) || !isCanonicalBase64(req.signature)) {
        return fail(RelayErrorCode.BadRequest, 'non-canonical base64');
      }
      const key = Buffer.from(req.identityKey, 'base64');
      const signature = Buffer.from(req.signature, 'base64');
      // The transcript names the relay the device meant to log in to: a relay that passed our challenge on
      // to the device and forwarded its answer here gets a signature over its own origin, not ours.
      const forUs = ctx.acceptedOrigins.some((origin) =>
        verifyEd25519(key, authTranscript(challenge, req.handle, req.identityKey, origin), signature),
      );
      if (!forUs) return fail(RelayErrorCode.BadSignature);
      // Registration only: an account that exists (even under a name reserved since) logs in as before.
      const [unregistered] = await ctx.store.missingAccounts([req.handle]);
      if (unregistered !== undefined) {
        if (ctx.isReserved(req.handle)) return fail(RelayErrorCode.HandleReserved, 'this handle is reserved; pick another');
        if (!ctx.admission.newAccounts.take(socket.data.address)) {
          ctx.log.warn({ socket: socket.id, address: socket.data.address, reason: 'new accounts per address' }, 'auth refused');
          return fail(RelayErrorCode.RateLimited, 'too many new accounts from your address; try again later');
        }
      }
      const binding = await ctx.store.bindAccount(req.handle, req.identityKey);
      if (binding === 'taken') return fail(RelayErrorCode.HandleTaken);
      if (!socket.connected) return fail(RelayErrorCode.Unauthenticated);
      socket.data.handle = req.handle;
      // Past the per-account connection bound, the oldest connections go: a device that reconnects must not
      // be locked out by its own half-open connection, and one account cannot hold unbounded send buffers.
      for (const id of ctx.admission.loggedIn(socket.data.address, req.handle, socket.id)) {
        ctx.log.warn({ handle: req.handle, socket: id, outcome: 'disconnect' }, 'connections per account over limit');
        ctx.io.sockets.sockets.get(id)?.disconnect(true);
      }
      // Join the user room before reading the routing, so a commit that adds this handle meanwhile still
      // reaches this socket through `io.in(user room).socketsJoin(...)`.
      await socket.join(userRoom(req.handle));
      const rooms = await ctx.store.roomsOf(req.handle);
      if (rooms.length > 0) await socket.join(rooms.map((r) => relayRoom(r.roomId)));
      onAuthenticated();
      ctx.log.info({ handle: req.handle, socket: socket.id, binding, rooms: rooms.length }, 'auth');
      return { ok: true, registered: binding === 'registered' };
    },
  });
}
