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
      const [missing] = await ctx.store.missingAccounts([req.handle]);
      if (missing !== undefined) return fail(RelayErrorCode.UnknownHandle);
      const keyPackage = await ctx.store.claimKeyPackage(req.handle);
      if (keyPackage === null) return fail(RelayErrorCode.NoKeyPackage);
      return { ok: true, keyPackage };
    },
  });
}
