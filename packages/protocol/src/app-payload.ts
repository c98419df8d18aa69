import { z } from 'zod';
import { handleSchema, messageIdSchema } from './ids.js';
import { Limits } from './limits.js';
import { roomNameSchema } from './local-api.js';

/**
 * What travels inside an MLS application message (RFC 9420 §6.3.1 application_data). Versioned and
 * schema-checked after decryption; `id` equals the relay msgId and is the end-to-end dedupe key.
 */
export const APP_PAYLOAD_VERSION = 1;

const base = { v: z.literal(APP_PAYLOAD_VERSION), id: messageIdSchema, time: z.number().int().min(0) };
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
]);
export type AppPayload = z.infer<typeof appPayloadSchema>;
