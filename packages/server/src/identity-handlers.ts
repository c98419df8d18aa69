import { identityLookupRequest, type Handle } from '@sealroom/protocol';
import { register } from './handler.js';
import type { RelayContext, RelaySocket } from './relay-context.js';

/**
 * identity.lookup: the relay's account binding (handle → the first identity key that logged in) for up to
 * `Limits.handlesPerLookup` handles. Public to any authenticated device: it is what `kp.claim` and the MLS
 * tree already reveal. Clients compare it with the keys they pinned; the relay's word is not proof.
 */
export function registerIdentityHandlers(ctx: RelayContext, socket: RelaySocket): void {
  register(ctx, socket, {
    event: 'identity.lookup',
    schema: identityLookupRequest,
    handle: async (req) => {
      // Each distinct handle is read once; every position of the request gets its answer, in order.
      const distinct = [...new Set(req.handles)];
      const keys = await ctx.store.accountKeys(distinct);
      const byHandle = new Map<Handle, string | null>(distinct.map((h, i) => [h, keys[i] ?? null]));
      return { ok: true, accounts: req.handles.map((handle) => ({ handle, identityKey: byHandle.get(handle) ?? null })) };
    },
  });
}
