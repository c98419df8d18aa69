import { z } from 'zod';
import { RelayErrorCode } from './error-codes.js';
import { base64Schema, epochSchema, handleSchema, roomIdSchema, seqSchema } from './ids.js';
import { Limits } from './limits.js';
import type { RelayClientEventName } from './relay-events.js';
import { accountKeySchema, logEntrySchema, welcomeSchema } from './relay-schemas.js';

/**
 * Schemas for the relay's *answers* (acks). The relay is untrusted, so a device parses every ack with the
 * schema of the request it sent, exactly as the relay parses requests: bounded, strict, and with an error
 * code the relay may actually raise. Anything else is a typed error at the device, never data.
 */
const relayCodes = Object.values(RelayErrorCode) as [RelayErrorCode, ...RelayErrorCode[]];
export const relayErrorAnswer = z
  .object({ ok: z.literal(false), code: z.enum(relayCodes), message: z.string().max(500).optional() })
  .strict();

const ok = <T extends z.ZodRawShape>(shape: T) => z.union([z.object({ ok: z.literal(true), ...shape }).strict(), relayErrorAnswer]);

const membership = z.object({ roomId: roomIdSchema, epoch: epochSchema, lastSeq: seqSchema, open: z.boolean() }).strict();

export const relayAnswerSchemas = {
  hello: ok({ challenge: base64Schema(64), protocol: z.number().int().min(0).max(1000) }),
  auth: ok({ registered: z.boolean() }),
  'kp.upload': ok({ available: z.number().int().min(0).max(Limits.keyPackagesStored) }),
  'kp.count': ok({ available: z.number().int().min(0).max(Limits.keyPackagesStored), lastResort: z.boolean() }),
  'kp.claim': ok({ keyPackage: base64Schema(Limits.keyPackageBytes) }),
  'identity.lookup': ok({ accounts: z.array(accountKeySchema).max(Limits.handlesPerLookup) }),
  'room.create': ok({ seq: seqSchema }),
  'room.info': ok({
    epoch: epochSchema,
    open: z.boolean(),
    lastSeq: seqSchema,
    groupInfo: base64Schema(Limits.groupInfoBytes).nullable(),
    members: z.array(handleSchema).max(Limits.routedHandlesAnswered),
  }),
  'room.commit': ok({ seq: seqSchema.min(1), duplicate: z.boolean() }),
  'room.send': ok({ seq: seqSchema.min(1), duplicate: z.boolean() }),
  'room.fetch': ok({ entries: z.array(logEntrySchema).max(Limits.fetchLimit), lastSeq: seqSchema }),
  'room.leave': ok({}),
  'rooms.mine': ok({ rooms: z.array(membership).max(Limits.roomsAnswered) }),
  'welcome.list': ok({ welcomes: z.array(welcomeSchema).max(Limits.welcomesAnswered) }),
  'welcome.ack': ok({}),
} as const satisfies Record<RelayClientEventName, z.ZodType>;
