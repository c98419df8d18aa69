import {
  decodeMlsMessage,
  encodeMlsMessage,
  type GroupInfo,
  type KeyPackage,
  type MLSMessage,
  type MlsPrivateMessage,
  type MlsPublicMessage,
  type Welcome,
} from 'ts-mls';
import { MlsErrorCode, SealroomError } from '@sealroom/protocol';

/** Decode one whole MLSMessage (RFC 9420 §6); trailing bytes or a parse failure are a typed error. */
export function decodeMessage(bytes: Uint8Array): MLSMessage {
  let r: [MLSMessage, number] | undefined;
  try {
    r = decodeMlsMessage(bytes, 0);
  } catch (e) {
    throw new SealroomError(MlsErrorCode.BadMessage, 'malformed MLS message', { cause: e });
  }
  if (!r || r[1] !== bytes.length) throw new SealroomError(MlsErrorCode.BadMessage, 'malformed MLS message');
  return r[0];
}

export function decodeKeyPackageMessage(bytes: Uint8Array): KeyPackage {
  const m = decodeMessage(bytes);
  if (m.wireformat !== 'mls_key_package') throw new SealroomError(MlsErrorCode.BadMessage, 'not a key package');
  return m.keyPackage;
}
export function decodeWelcomeMessage(bytes: Uint8Array): Welcome {
  const m = decodeMessage(bytes);
  if (m.wireformat !== 'mls_welcome') throw new SealroomError(MlsErrorCode.BadMessage, 'not a welcome');
  return m.welcome;
}
export function decodeGroupInfoMessage(bytes: Uint8Array): GroupInfo {
  const m = decodeMessage(bytes);
  if (m.wireformat !== 'mls_group_info') throw new SealroomError(MlsErrorCode.BadMessage, 'not a group info');
  return m.groupInfo;
}
export function decodeHandshakeOrApp(bytes: Uint8Array): (MlsPrivateMessage | MlsPublicMessage) & MLSMessage {
  const m = decodeMessage(bytes);
  if (m.wireformat !== 'mls_private_message' && m.wireformat !== 'mls_public_message')
    throw new SealroomError(MlsErrorCode.BadMessage, 'not a framed message');
  return m;
}

export const encodeKeyPackageMessage = (keyPackage: KeyPackage): Uint8Array =>
  encodeMlsMessage({ version: 'mls10', wireformat: 'mls_key_package', keyPackage });
export const encodeWelcomeMessage = (welcome: Welcome): Uint8Array =>
  encodeMlsMessage({ version: 'mls10', wireformat: 'mls_welcome', welcome });
export const encodeGroupInfoMessage = (groupInfo: GroupInfo): Uint8Array =>
  encodeMlsMessage({ version: 'mls10', wireformat: 'mls_group_info', groupInfo });
export const encodeMessage = (m: MLSMessage): Uint8Array => encodeMlsMessage(m);
