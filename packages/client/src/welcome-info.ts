import { z } from 'zod';
import { Limits, handleSchema, roomNameSchema } from '@sealroom/protocol';

/**
 * What an inviter tells a newcomer inside the Welcome's GroupInfo (a private-use extension, RFC 9420
 * §13.3): encrypted to the newcomer and signed by the committer, never visible to the relay.
 */
const welcomeInfoSchema = z
  .object({
    v: z.literal(1),
    name: roomNameSchema.nullable(),
    open: z.boolean(),
    /** Written by 0.2 builds; ignored: the inviter is the GroupInfo's signer. */
    invitedBy: handleSchema.optional(),
    removed: z.array(handleSchema).max(Limits.removedHandles).optional(),
  })
  .strict();
export type WelcomeInfo = { name: string | null; open: boolean; removed: string[] };

export function encodeWelcomeInfo(i: WelcomeInfo): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify({ v: 1, name: i.name, open: i.open, removed: i.removed }),
  );
}

/** Parse the inviter's info; anything malformed counts as absent (the room then shows no name and is closed). */
export function parseWelcomeInfo(bytes: Uint8Array | null): WelcomeInfo | null {
  if (!bytes) return null;
  try {
    const p = welcomeInfoSchema.safeParse(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)));
    return p.success ? { name: p.data.name, open: p.data.open, removed: p.data.removed ?? [] } : null;
  } catch {
    return null;
  }
}
