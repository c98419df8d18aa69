import { z } from 'zod';
import { handleSchema, messageIdSchema } from './ids.js';
import { Limits } from './limits.js';
import { roomNameSchema } from './local-api.js';

/**
 * What travels inside an MLS application message (RFC 9420 §6.3.1 application_data). Versioned and
 * schema-checked after decryption; `id` equals the relay msgId and is the end-to-end dedupe key.
 */
export const APP_PAYLOAD_VERSION = 1;

/**
 * The sender's chain in this room (tamper-evident history, inside the encryption): `n` counts every
 * application payload the sender has sent to the room, from 1, across epochs; `p` is the first 16 bytes
 * (hex) of SHA-256 over the sender's previous payload in the room ('' for the first). A receiver that sees a
 * gap in `n` knows messages were withheld, and a `p` that does not chain means the history it was shown is
 * not the sender's. Optional only so that an older payload still parses; Sealroom always sends it.
 */
export const chainSchema = z
  .object({ n: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER), p: z.string().regex(/^(|[0-9a-f]{32})$/) })
  .strict();
export type Chain = z.infer<typeof chainSchema>;

const base = { v: z.literal(APP_PAYLOAD_VERSION), id: messageIdSchema, time: z.number().int().min(0), c: chainSchema.optional() };
export const appPayloadSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('text'), text: z.string().min(1).max(Limits.textChars) }).strict(),
  /**
   * Room metadata lives only inside the group, so the relay never learns a room's name — and members learn
   * whether the room is open from each other, never from the relay (which could otherwise talk a member
   * into publishing GroupInfo for an invite-only room).
   */
  z
    .object({
      ...base,
      type: z.literal('meta'),
      /** Held to the rules of room creation (local-api.ts): a rename cannot smuggle in what creation refuses. */
      name: roomNameSchema,
      open: z.boolean(),
      /**
       * Handles removed from the room by a member (not those who left): members refuse their external
       * joins until someone invites them again, so a removal sticks in an open room.
       */
      removed: z.array(handleSchema).max(Limits.removedHandles).optional(),
    })
    .strict(),
  /** A newcomer by external commit asks members to resend `meta`. */
  z.object({ ...base, type: z.literal('meta.request') }).strict(),
  /**
   * A member's view, sent on reconnect and at an interval while it sends: the highest chain counter it has
   * seen from each sender. Its own `c.n` shows a dropped last message of its sender; `seen` shows messages
   * the relay gave it but withheld from you.
   */
  z
    .object({
      ...base,
      type: z.literal('checkpoint'),
      seen: z.record(handleSchema, z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)).refine((o) => Object.keys(o).length <= Limits.checkpointSenders, 'too many senders'),
    })
    .strict(),
]);
export type AppPayload = z.infer<typeof appPayloadSchema>;
