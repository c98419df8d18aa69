import { z } from 'zod';

/** Handles are lowercase ASCII so that two people can never look alike by case or script. */
export const HANDLE_RE = /^[a-z0-9][a-z0-9_.-]{0,31}$/;
export const handleSchema = z.string().regex(HANDLE_RE, 'handle: 1-32 of a-z 0-9 _ . -, starting with a letter or digit').brand<'Handle'>();
export type Handle = z.infer<typeof handleSchema>;

/** 128-bit random ids, lowercase hex. */
export const HEX_ID_RE = /^[0-9a-f]{32}$/;
export const roomIdSchema = z.string().regex(HEX_ID_RE, 'room id: 32 lowercase hex digits').brand<'RoomId'>();
export type RoomId = z.infer<typeof roomIdSchema>;
export const messageIdSchema = z.string().regex(HEX_ID_RE, 'message id: 32 lowercase hex digits').brand<'MessageId'>();
export type MessageId = z.infer<typeof messageIdSchema>;

/** Canonical standard base64 with padding; `maxBytes` bounds the decoded size. */
export function base64Schema(maxBytes: number) {
  const maxChars = Math.ceil(maxBytes / 3) * 4;
  return z
    .string()
    .max(maxChars)
    .regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'base64');
}

export const seqSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const epochSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
