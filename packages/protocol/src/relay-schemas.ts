import { z } from 'zod';
import { base64Schema, epochSchema, handleSchema, messageIdSchema, roomIdSchema, seqSchema } from './ids.js';
import { Limits } from './limits.js';

/**
 * Relay protocol (client ↔ server) payload schemas. Every handler on the server parses its input with one
 * of these before doing anything else; `.strict()` rejects unknown keys (including `__proto__`).
 * docs/protocol.md describes each event.
 */
export const RELAY_PROTOCOL_VERSION = 1;

export const helloRequest = z.object({ protocol: z.number().int().min(0).max(1000) }).strict();
export const authRequest = z
  .object({
    handle: handleSchema,
    /** Ed25519 public key, 32 bytes. */
    identityKey: base64Schema(32).length(44),
    /** Ed25519 signature over authTranscript(challenge, handle, identityKey), 64 bytes. */
    signature: base64Schema(64).length(88),
  })
  .strict();
export const keyPackageUploadRequest = z
  .object({
    keyPackages: z.array(base64Schema(Limits.keyPackageBytes)).max(Limits.keyPackagesPerUpload),
    lastResort: base64Schema(Limits.keyPackageBytes).optional(),
  })
  .strict();
export const keyPackageClaimRequest = z.object({ handle: handleSchema }).strict();
/** handle → identity key, for many handles in one call: the relay's account binding (first key to log in). */
export const identityLookupRequest = z
  .object({ handles: z.array(handleSchema).min(1).max(Limits.handlesPerLookup) })
  .strict();
/** One account binding as the relay answers it; `identityKey` is null for a handle with no account. */
export const accountKeySchema = z
  .object({ handle: handleSchema, identityKey: base64Schema(32).length(44).nullable() })
  .strict();
export type AccountKey = z.infer<typeof accountKeySchema>;
/** The relay's answer to identity.lookup, parsed by the client before use (the relay is untrusted). */
export const identityLookupAnswer = z
  .object({ ok: z.literal(true), accounts: z.array(accountKeySchema).max(Limits.handlesPerLookup) })
  .strict();
export const roomCreateRequest = z
  .object({
    roomId: roomIdSchema,
    open: z.boolean(),
    /** GroupInfo with external_pub and ratchet tree; required for open rooms (RFC 9420 §12.4.3.2). */
    groupInfo: base64Schema(Limits.groupInfoBytes).optional(),
  })
  .strict();
export const roomRefRequest = z.object({ roomId: roomIdSchema }).strict();
export const roomCommitRequest = z
  .object({
    roomId: roomIdSchema,
    /** The epoch the commit was created in: accepted only if it is the room's current epoch. */
    epoch: epochSchema,
    msgId: messageIdSchema,
    commit: base64Schema(Limits.commitBytes),
    groupInfo: base64Schema(Limits.groupInfoBytes).optional(),
    welcome: base64Schema(Limits.welcomeBytes).optional(),
    /** Routing hints: who the commit adds and removes. Clients check membership against MLS, not these. */
    adds: z.array(handleSchema).max(Limits.handlesPerCommit),
    removes: z.array(handleSchema).max(Limits.handlesPerCommit),
    /**
     * Of `removes`: the handles a member removed (not those who left by themselves). The relay refuses their
     * external rejoin (ERR_RELAY_REMOVED_FROM_ROOM) until a later commit's `adds` names them again.
     */
    bans: z.array(handleSchema).max(Limits.handlesPerCommit).optional(),
    /** An external commit (open join) by a non-member. */
    external: z.boolean(),
  })
  .strict();
export const roomSendRequest = z
  .object({
    roomId: roomIdSchema,
    epoch: epochSchema,
    msgId: messageIdSchema,
    kind: z.enum(['application', 'proposal']),
    data: base64Schema(Limits.applicationBytes),
  })
  .strict();
export const roomFetchRequest = z
  .object({ roomId: roomIdSchema, after: seqSchema, limit: z.number().int().min(1).max(Limits.fetchLimit) })
  .strict();
export const welcomeAckRequest = z.object({ id: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }).strict();

export const logEntryKind = z.enum(['commit', 'application', 'proposal']);
export type LogEntryKind = z.infer<typeof logEntryKind>;
export const logEntrySchema = z
  .object({
    roomId: roomIdSchema,
    seq: seqSchema.min(1),
    kind: logEntryKind,
    sender: handleSchema,
    epoch: epochSchema,
    msgId: messageIdSchema,
    data: base64Schema(Limits.commitBytes),
    /** Server receive time, ms since the Unix epoch. */
    time: z.number().int().min(0),
  })
  .strict();
export type LogEntry = z.infer<typeof logEntrySchema>;

export const welcomeSchema = z
  .object({
    id: z.number().int().min(1),
    roomId: roomIdSchema,
    /** Sequence number of the commit that added us: catch-up starts after it. */
    seq: seqSchema,
    epoch: epochSchema,
    data: base64Schema(Limits.welcomeBytes),
  })
  .strict();
export type WelcomeEnvelope = z.infer<typeof welcomeSchema>;

export type HelloRequest = z.infer<typeof helloRequest>;
export type AuthRequest = z.infer<typeof authRequest>;
export type KeyPackageUploadRequest = z.infer<typeof keyPackageUploadRequest>;
export type KeyPackageClaimRequest = z.infer<typeof keyPackageClaimRequest>;
export type IdentityLookupRequest = z.infer<typeof identityLookupRequest>;
export type RoomCreateRequest = z.infer<typeof roomCreateRequest>;
export type RoomRefRequest = z.infer<typeof roomRefRequest>;
export type RoomCommitRequest = z.infer<typeof roomCommitRequest>;
export type RoomSendRequest = z.infer<typeof roomSendRequest>;
export type RoomFetchRequest = z.infer<typeof roomFetchRequest>;
export type WelcomeAckRequest = z.infer<typeof welcomeAckRequest>;
