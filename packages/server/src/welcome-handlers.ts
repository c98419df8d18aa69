import { emptyRequest, welcomeAckRequest } from '@sealroom/protocol';
import { paced } from './answer-budget.js';
import { callerOf } from './caller.js';
import { register } from './handler.js';
import type { RelayContext, RelaySocket } from './relay-context.js';
import { answerBytesOf } from './relay-store.js';

/** Pending Welcomes: listed until the joiner has processed one and acknowledges it. */
export function registerWelcomeHandlers(ctx: RelayContext, socket: RelaySocket): void {
  register(ctx, socket, {
    event: 'welcome.list',
    schema: emptyRequest,
    // Oldest first, within the answer byte budget: a device acknowledges what it got and lists again.
    handle: async () => {
      const caller = callerOf(socket);
      const welcomes = await paced(
        ctx,
        caller,
        async () => ctx.store.listWelcomes(caller, { maxBytes: ctx.limits.answerBytes }),
        (ws) => ws.reduce((n, w) => n + answerBytesOf(w.data.length), 0),
      );
      return Array.isArray(welcomes) ? { ok: true, welcomes } : welcomes;
    },
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
