import { RelayErrorCode, relayClientEventNames } from '@sealroom/protocol';
import { fail } from './handler.js';
import { registerIdentityHandlers } from './identity-handlers.js';
import { registerKeyPackageHandlers } from './key-package-handlers.js';
import type { RelayContext, RelaySocket } from './relay-context.js';
import { registerRoomCommitHandler } from './room-commit-handler.js';
import { registerRoomHandlers } from './room-handlers.js';
import { registerRoomSendHandler } from './room-send-handler.js';
import { registerSessionHandlers } from './session-handlers.js';
import { TokenBucket } from './token-bucket.js';
import { registerWelcomeHandlers } from './welcome-handlers.js';

export type ConnectionLimits = {
  /** Events per second per socket, sustained. */
  eventsPerSecond: number;
  /** Events per socket that may arrive at once. */
  eventBurst: number;
  /** A socket that has not authenticated by then is disconnected. */
  authTimeoutMs: number;
};

export const defaultConnectionLimits: ConnectionLimits = {
  eventsPerSecond: 200,
  eventBurst: 400,
  authTimeoutMs: 30_000,
};

const knownEvents: ReadonlySet<string> = new Set(relayClientEventNames);

/** Sets up one connection: state, the rate limit and event filter, the auth deadline, every handler. */
export function onConnection(ctx: RelayContext, socket: RelaySocket, limits: ConnectionLimits): void {
  socket.data.challenge = null;
  socket.data.handle = null;
  socket.data.bucket = new TokenBucket(limits.eventsPerSecond, limits.eventBurst);
  ctx.log(`connect socket=${socket.id}`);

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
      ctx.log(`auth timeout socket=${socket.id}`);
      socket.disconnect(true);
    }
  }, limits.authTimeoutMs);
  authDeadline.unref();

  registerSessionHandlers(ctx, socket, () => clearTimeout(authDeadline));
  registerKeyPackageHandlers(ctx, socket);
  registerIdentityHandlers(ctx, socket);
  registerRoomHandlers(ctx, socket);
  registerRoomCommitHandler(ctx, socket);
  registerRoomSendHandler(ctx, socket);
  registerWelcomeHandlers(ctx, socket);

  socket.on('disconnect', (reason) => {
    clearTimeout(authDeadline);
    ctx.log(`disconnect socket=${socket.id} handle=${socket.data.handle ?? '-'} reason=${reason}`);
  });
}
