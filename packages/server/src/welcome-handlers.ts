import { emptyRequest, welcomeAckRequest } from '@sealroom/protocol';
import { callerOf } from './caller.js';
import { register } from './handler.js';
import type { RelayContext, RelaySocket } from './relay-context.js';

/** Pending Welcomes: listed until the joiner has processed one and acknowledges it. */
export function registerWelcomeHandlers(ctx: RelayContext, socket: RelaySocket): void {
  register(ctx, socket, {
    event: 'welcome.list',
    schema: emptyRequest,
    handle: async () => ({ ok: true, welcomes: await ctx.store.listWelcomes(callerOf(socket)) }),
  });

  register(ctx, socket, {
    event: 'welcome.ack',
    schema: welcomeAckRequest,
    handle: async (req) => {
      // Only the caller's own; acknowledging an unknown or foreign id is a no-op, and says nothing about it.
      await ctx.store.deleteWelcome(callerOf(socket), req.id);
      return { ok: true };
    },
  });
}
