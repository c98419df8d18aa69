import { Limits, RelayErrorCode, relayClientEventNames } from '@sealroom/protocol';
import { clientAddress } from './client-address.js';
import { fail } from './handler.js';
import { registerIdentityHandlers } from './identity-handlers.js';
import { registerKeyPackageHandlers } from './key-package-handlers.js';
import type { RelayContext, RelaySocket } from './relay-context.js';
import { registerRoomCommitHandler } from './room-commit-handler.js';
import { registerRoomHandlers } from './room-handlers.js';
import { registerRoomSendHandler } from './room-send-handler.js';
import { registerSessionHandlers } from './session-handlers.js';
import { TokenBucket } from './token-bucket.js';
import { guardFrames, guardSendBuffer, setFrameLimit, terminate } from './transport-guards.js';
import { registerWelcomeHandlers } from './welcome-handlers.js';

export { defaultRelayLimits as defaultConnectionLimits } from './relay-limits.js';

const knownEvents: ReadonlySet<string> = new Set(relayClientEventNames);

/**
 * Sets up one connection: admission by address, frame and send-buffer bounds, state, the rate limit and
 * event filter, the auth deadline, every handler. Nothing here may throw into socket.io's event loop.
 */
export function onConnection(ctx: RelayContext, socket: RelaySocket, clientIpHeader?: string): void {
  const address = clientAddress(socket.request, clientIpHeader);
  const admitted = ctx.admission.open(address);
  if (admitted !== 'ok') {
    ctx.log.warn({ socket: socket.id, address, reason: admitted }, 'connection refused');
    terminate(socket);
    return;
  }
  const limits = ctx.limits;
  socket.data.address = address;
  socket.data.challenge = null;
  socket.data.handle = null;
  socket.data.bucket = new TokenBucket(limits.eventsPerSecond, limits.eventBurst);
  ctx.log.info({ socket: socket.id, address }, 'connect');

  // Small frames until login: hello and auth are a few hundred bytes (see transport-guards.ts for how).
  setFrameLimit(socket, limits.preLoginFrameBytes);
  guardFrames(
    socket,
    () => (socket.data.handle === null ? limits.preLoginFrameBytes : Limits.relayFrameBytes),
    (bytes) => ctx.log.warn({ socket: socket.id, handle: socket.data.handle, bytes }, 'frame over limit'),
  );
  guardSendBuffer(socket, limits.sendBufferBytes, (bytes) =>
    ctx.log.warn(
      { socket: socket.id, handle: socket.data.handle, bytes, limit: limits.sendBufferBytes, outcome: 'disconnect' },
      'send buffer over limit',
    ),
  );

  // Runs before dispatch for every incoming event, known or not. Unknown names are dropped here, so no
  // listener (and no reserved name such as "disconnect") can be reached by a client-chosen event name.
  socket.use((packet, next) => {
    const event = packet[0];
    const known = typeof event === 'string' && knownEvents.has(event);
    if (!socket.data.bucket.take()) {
      const ack = packet[packet.length - 1] as unknown;
      if (known && typeof ack === 'function') {
        try {
          (ack as (res: unknown) => void)(fail(RelayErrorCode.RateLimited));
        } catch {
          // The connection is gone; nothing to answer.
        }
      }
      return;
    }
    if (known) next();
  });

  const authDeadline = setTimeout(() => {
    if (socket.data.handle === null) {
      ctx.log.warn({ socket: socket.id }, 'auth timeout');
      socket.disconnect(true);
    }
  }, limits.authTimeoutMs);
  authDeadline.unref();

  registerSessionHandlers(ctx, socket, () => {
    clearTimeout(authDeadline);
    setFrameLimit(socket, Limits.relayFrameBytes);
  });
  registerKeyPackageHandlers(ctx, socket);
  registerIdentityHandlers(ctx, socket);
  registerRoomHandlers(ctx, socket);
  registerRoomCommitHandler(ctx, socket);
  registerRoomSendHandler(ctx, socket);
  registerWelcomeHandlers(ctx, socket);

  socket.on('disconnect', (reason) => {
    clearTimeout(authDeadline);
    ctx.admission.closed(address, socket.data.handle, socket.id);
    ctx.log.info({ socket: socket.id, handle: socket.data.handle, reason }, 'disconnect');
  });
}
