import {
  Limits,
  RelayErrorCode,
  emptyRequest,
  keyPackageClaimRequest,
  keyPackageUploadRequest,
} from '@sealroom/protocol';
import { allCanonicalBase64 } from './canonical-base64.js';
import { fail, register } from './handler.js';
import type { RelayContext, RelaySocket } from './relay-context.js';
import { callerOf } from './caller.js';

/** Key packages are opaque to the relay: it stores, counts and hands them out, never parses them. */
export function registerKeyPackageHandlers(ctx: RelayContext, socket: RelaySocket): void {
  register(ctx, socket, {
    event: 'kp.upload',
    schema: keyPackageUploadRequest,
    handle: async (req) => {
      if (!allCanonicalBase64([...req.keyPackages, req.lastResort])) {
        return fail(RelayErrorCode.BadRequest, 'non-canonical base64');
      }
      const res = await ctx.store.uploadKeyPackages({
        handle: callerOf(socket),
        keyPackages: req.keyPackages,
        lastResort: req.lastResort ?? null,
        maxStored: Limits.keyPackagesStored,
      });
      if (!res.ok) return fail(RelayErrorCode.TooManyKeyPackages, `at most ${Limits.keyPackagesStored} stored`);
      return { ok: true, available: res.available };
    },
  });

  register(ctx, socket, {
    event: 'kp.count',
    schema: emptyRequest,
    handle: async () => ({ ok: true, ...(await ctx.store.countKeyPackages(callerOf(socket))) }),
  });

  register(ctx, socket, {
    event: 'kp.claim',
    schema: keyPackageClaimRequest,
    handle: async (req) => {
      const caller = callerOf(socket);
      // Per claimer: draining (or probing) many handles is slow. Says nothing about the target.
      if (!ctx.admission.claimers.take(caller)) return fail(RelayErrorCode.RateLimited, 'too many key-package claims; try again later');
      // Per target, whoever asks (also for handles with no account, so the answer cannot tell them apart):
      // past the rate, only the reusable last-resort package is handed out, so bob's one-time packages cannot
      // be drained and invitations to him keep working.
      const lastResortOnly = !ctx.admission.oneTimeClaims.take(req.handle);
      const keyPackage = await ctx.store.claimKeyPackage(req.handle, lastResortOnly);
      if (keyPackage === null) {
        if (lastResortOnly) ctx.log.warn({ handle: caller, target: req.handle }, 'kp.claim target over limit');
        // One answer for "no such account" and "none left": claims do not tell existing handles from others.
        return fail(RelayErrorCode.NoKeyPackage, `no key package for ${req.handle} (unknown handle, or none left)`);
      }
      return { ok: true, keyPackage };
    },
  });
}
