import {
  acceptAll,
  createApplicationMessage,
  createCommit,
  createGroup,
  createGroupInfoWithExternalPubAndRatchetTree,
  defaultCapabilities,
  defaultLifetime,
  emptyPskIndex,
  encodeGroupState,
  generateKeyPackage,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroup,
  joinGroupExternal,
  processMessage,
  type CiphersuiteImpl,
  type ClientState,
  type GroupInfo,
  type KeyPackage,
  type MLSMessage,
  type PrivateKeyPackage,
  type Welcome,
} from 'ts-mls';
import type { MlsOps } from './mls-ops.js';

type Member = { handle: string; publicPackage: KeyPackage; privatePackage: PrivateKeyPackage };
type Msg = MLSMessage | Welcome | GroupInfo;

// Stock: ts-mls's own default crypto provider and default client config, as its README sets them up.
let suite: Promise<CiphersuiteImpl> | null = null;
const cs = (): Promise<CiphersuiteImpl> => (suite ??= getCiphersuiteImpl(getCiphersuiteFromName('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519')));
const enc = new TextEncoder();

const asMls = (m: Msg): MLSMessage => m as MLSMessage;

/** Part 4's reference: the same operations on stock ts-mls (objects in, objects out; no Sealroom codec). */
export const stockMls: MlsOps<ClientState, Msg, Member> = {
  name: 'stock ts-mls',
  async member(handle) {
    const kp = await generateKeyPackage({ credentialType: 'basic', identity: enc.encode(handle) }, defaultCapabilities(), defaultLifetime, [], await cs());
    return { handle, ...kp };
  },
  create: async (m) => createGroup(crypto.getRandomValues(new Uint8Array(16)), m.publicPackage, m.privatePackage, [], await cs()),
  async add(g, members) {
    const r = await createCommit(
      { state: g, cipherSuite: await cs(), pskIndex: emptyPskIndex },
      { extraProposals: members.map((m) => ({ proposalType: 'add', add: { keyPackage: m.publicPackage } })), ratchetTreeExtension: true },
    );
    if (!r.welcome) throw new Error('an Add without a Welcome');
    return { group: r.newState, commit: r.commit, welcome: r.welcome };
  },
  async remove(g, handle) {
    const want = enc.encode(handle).join(',');
    const leaf = g.ratchetTree.findIndex((n) => n?.nodeType === 'leaf' && n.leaf.credential.credentialType === 'basic' && n.leaf.credential.identity.join(',') === want);
    if (leaf < 0) throw new Error(`${handle} is not a member`);
    // Leaves sit at even node indices (RFC 9420 §7.8).
    const r = await createCommit({ state: g, cipherSuite: await cs(), pskIndex: emptyPskIndex }, { extraProposals: [{ proposalType: 'remove', remove: { removed: leaf / 2 } }] });
    return { group: r.newState, commit: r.commit };
  },
  join: async (welcome, m) => joinGroup(welcome as Welcome, m.publicPackage, m.privatePackage, emptyPskIndex, await cs()),
  async encrypt(g, p) {
    const r = await createApplicationMessage(g, p, await cs());
    return { group: r.newState, message: { version: 'mls10', wireformat: 'mls_private_message', privateMessage: r.privateMessage } };
  },
  async process(g, message) {
    const m = asMls(message);
    if (m.wireformat !== 'mls_private_message' && m.wireformat !== 'mls_public_message') throw new Error('not a framed message');
    return (await processMessage(m, g, emptyPskIndex, acceptAll, await cs())).newState;
  },
  groupInfo: async (g) => createGroupInfoWithExternalPubAndRatchetTree(g, [], await cs()),
  joinExternal: async (gi, m) => (await joinGroupExternal(gi as GroupInfo, m.publicPackage, m.privatePackage, false, await cs())).newState,
  stateBytes: (g) => encodeGroupState(g).byteLength,
};
