import { createPrivateKey, type KeyObject } from 'node:crypto';
import {
  decodeMlsMessage,
  defaultCapabilities,
  defaultKeyPackageEqualityConfig,
  defaultLifetime,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  joinGroupExternal,
  type LeafNode,
} from 'ts-mls';
import {
  createAuthenticationService,
  createGroup,
  generateIdentity,
  getSuite,
  groupInfoOf,
  joinExternal,
  makeClientConfig,
  type Group,
  type Identity as MlsIdentity,
} from '@sealroom/mls';
import { toBase64 } from '@sealroom/protocol';
import type { Identity } from './helpers.js';

// Real MLS for relay tests. Tests may use ts-mls directly to build what an honest client never would.

/** RFC 8410 PKCS#8 prefix of a raw Ed25519 seed. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The relay-login identity (node KeyObject) of an MLS identity: the same Ed25519 key. */
export function relayIdentityOf(id: MlsIdentity): Identity {
  const privateKey: KeyObject = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, Buffer.from(id.signKey)]),
    format: 'der',
    type: 'pkcs8',
  });
  return { publicKey: toBase64(id.publicKey), privateKey };
}

export const mlsConfig = () => makeClientConfig(createAuthenticationService());

/** A one-member group whose id is the room id, and its GroupInfo (base64) for `room.create`. */
export async function newOpenGroup(owner: MlsIdentity, roomId: string): Promise<{ group: Group; groupInfo: string }> {
  const group = await createGroup(owner, Buffer.from(roomId, 'hex'), mlsConfig());
  return { group, groupInfo: toBase64(await groupInfoOf(group)) };
}

/** An honest external join through our MLS facade: commit (base64) and the joiner's new GroupInfo (base64). */
export async function honestJoin(groupInfo: string, joiner: MlsIdentity): Promise<{ group: Group; commit: string; groupInfo: string }> {
  const r = await joinExternal(Buffer.from(groupInfo, 'base64'), joiner, mlsConfig());
  return { group: r.group, commit: toBase64(r.commit), groupInfo: toBase64(await groupInfoOf(r.group)) };
}

/**
 * An external commit built with ts-mls directly: signed by `signer`, with a leaf whose credential says
 * `credentialHandle` (default: the signer's), and — when `removeLeafWhere` is given — a Remove of the first
 * leaf it matches (ts-mls's resync, pointed at any leaf we like).
 */
export async function craftExternalCommit(
  groupInfo: string,
  signer: MlsIdentity,
  opts: { credentialHandle?: string; removeLeafWhere?: (leaf: LeafNode) => boolean } = {},
): Promise<string> {
  const cs = await getSuite();
  const decoded = decodeMlsMessage(Buffer.from(groupInfo, 'base64'), 0);
  if (decoded === undefined || decoded[0].wireformat !== 'mls_group_info') throw new Error('not a group info');
  const { publicPackage, privatePackage } = await generateKeyPackageWithKey(
    { credentialType: 'basic', identity: new TextEncoder().encode(opts.credentialHandle ?? signer.handle) },
    defaultCapabilities(),
    defaultLifetime,
    [],
    { signKey: signer.signKey, publicKey: signer.publicKey },
    cs,
  );
  const match = opts.removeLeafWhere;
  const config = {
    ...mlsConfig(),
    keyPackageEqualityConfig: {
      ...defaultKeyPackageEqualityConfig,
      compareKeyPackageToLeafNode: (_kp: unknown, leaf: LeafNode) => match?.(leaf) ?? false,
    },
  };
  const { publicMessage } = await joinGroupExternal(
    decoded[0].groupInfo,
    publicPackage,
    privatePackage,
    match !== undefined,
    cs,
    undefined,
    config,
  );
  return toBase64(encodeMlsMessage({ version: 'mls10', wireformat: 'mls_public_message', publicMessage }));
}

export const leafIsHandle = (handle: string) => (leaf: LeafNode): boolean =>
  leaf.credential.credentialType === 'basic' && new TextDecoder().decode(leaf.credential.identity) === handle;

export { generateIdentity };
