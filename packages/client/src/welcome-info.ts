import { z } from 'zod';
import { roomNameSchema } from '@sealroom/protocol';

/** What an inviter tells a newcomer inside the Welcome (never visible to the relay). */
const welcomeInfoSchema = z.object({ v: z.literal(1), name: roomNameSchema.nullable(), open: z.boolean() }).strict();
export type WelcomeInfo = { name: string | null; open: boolean };

export function encodeWelcomeInfo(i: WelcomeInfo): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ v: 1, name: i.name, open: i.open }));
}

/** Parse the inviter's info; anything malformed counts as absent (the room then shows no name and is closed). */
export function parseWelcomeInfo(bytes: Uint8Array | null): WelcomeInfo | null {
  if (!bytes) return null;
  try {
    const p = welcomeInfoSchema.safeParse(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)));
    return p.success ? { name: p.data.name, open: p.data.open } : null;
  } catch {
    return null;
  }
}
