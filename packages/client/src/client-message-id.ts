import { createHmac, hkdfSync } from 'node:crypto';
import type { Identity } from '@sealroom/mls';

/**
 * The message id for a script's own id (`sealroom send --id ID`): the same on every retry, so a resend is
 * recognised by the proxy (and, if the proxy lost it, deduplicated by the relay) instead of becoming a
 * second message. Keyed by this device (HMAC under a key derived from the identity key with HKDF, RFC 5869)
 * so that nobody else can predict it: a member who could would send first under that id, and the relay
 * would deduplicate our message away as a repeat of theirs. 128 bits, the size of a random message id.
 */
export function clientMessageId(identity: Identity, roomId: string, clientId: string): string {
  const key = Buffer.from(hkdfSync('sha256', identity.signKey, new Uint8Array(0), 'sealroom/v1 client message id', 32));
  return createHmac('sha256', key).update(roomId, 'utf8').update('\0').update(clientId, 'utf8').digest().subarray(0, 16).toString('hex');
}
