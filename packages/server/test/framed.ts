import { randomBytes } from 'node:crypto';
import { encodeMlsMessage, type CiphersuiteName, type ContentTypeName } from 'ts-mls';
import { DEFAULT_SUITE } from '@sealroom/mls';

/*
 * MLS messages whose clear framing is right and whose encrypted part is random: what the relay, which holds no
 * keys, must accept (framing-check.ts), and what a hostile member can always send. Relay tests that are about
 * ordering, storage or limits use these instead of real MLS, which they do not need.
 */

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
const gid = (roomId: string): Uint8Array => Buffer.from(roomId, 'hex');

/** A PrivateMessage of `contentType` for the room's group at `epoch`, `bytes` long (at least ~60), random inside. */
export function framedPrivate(roomId: string, epoch: number, contentType: ContentTypeName, bytes = 64): string {
  const encode = (ciphertextBytes: number): Uint8Array =>
    encodeMlsMessage({
      version: 'mls10',
      wireformat: 'mls_private_message',
      privateMessage: {
        groupId: gid(roomId),
        epoch: BigInt(epoch),
        contentType,
        authenticatedData: new Uint8Array(),
        encryptedSenderData: randomBytes(28),
        ciphertext: randomBytes(Math.max(16, ciphertextBytes)),
      },
    });
  // Two passes: the ciphertext's length prefix grows with it, so size the second pass by the first's overshoot.
  const first = encode(bytes - 60);
  return b64(first.length === bytes ? first : encode(bytes - 60 - (first.length - bytes)));
}

export const framedCommit = (roomId: string, epoch: number, bytes = 64): string => framedPrivate(roomId, epoch, 'commit', bytes);
export const framedApp = (roomId: string, epoch: number, bytes = 64): string => framedPrivate(roomId, epoch, 'application', bytes);

/** A GroupInfo describing `epoch` of the room's group; its signature and hashes are random. */
export function framedGroupInfo(roomId: string, epoch: number, extraBytes = 0): string {
  return b64(
    encodeMlsMessage({
      version: 'mls10',
      wireformat: 'mls_group_info',
      groupInfo: {
        groupContext: {
          version: 'mls10',
          cipherSuite: DEFAULT_SUITE,
          groupId: gid(roomId),
          epoch: BigInt(epoch),
          treeHash: randomBytes(32),
          confirmedTranscriptHash: randomBytes(32),
          extensions: [],
        },
        extensions: extraBytes > 0 ? [{ extensionType: 0xff00, extensionData: randomBytes(extraBytes) }] : [],
        confirmationTag: randomBytes(32),
        signer: 0,
        signature: randomBytes(64),
      },
    }),
  );
}

/** A Welcome for `recipients` new members, about `bytes` long; nothing in it decrypts. */
export function framedWelcome(recipients = 1, bytes = 64, cipherSuite: CiphersuiteName = DEFAULT_SUITE): string {
  return b64(
    encodeMlsMessage({
      version: 'mls10',
      wireformat: 'mls_welcome',
      welcome: {
        cipherSuite,
        secrets: Array.from({ length: recipients }, () => ({
          newMember: randomBytes(32),
          encryptedGroupSecrets: { kemOutput: randomBytes(32), ciphertext: randomBytes(48) },
        })),
        encryptedGroupInfo: randomBytes(Math.max(16, bytes)),
      },
    }),
  );
}
