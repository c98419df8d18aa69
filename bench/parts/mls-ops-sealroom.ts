import {
  commitChanges,
  createAuthenticationService,
  createGroup,
  createKeyPackage,
  encodeGroup,
  encryptApplication,
  generateIdentity,
  groupInfoOf,
  joinExternal,
  joinFromWelcome,
  makeClientConfig,
  membersOf,
  processIncoming,
  type Group,
  type Identity,
  type OwnKeyPackage,
} from '@sealroom/mls';
import type { MlsOps } from './mls-ops.js';

type Member = { identity: Identity; kp: OwnKeyPackage };
const config = makeClientConfig(createAuthenticationService());

/** Part 4 through packages/mls, the interface the client engine uses (bytes in, bytes out). */
export const sealroomMls: MlsOps<Group, Uint8Array, Member> = {
  name: 'sealroom (packages/mls)',
  async member(handle) {
    const identity = await generateIdentity(handle);
    return { identity, kp: await createKeyPackage(identity) };
  },
  create: (m) => createGroup(m.identity, crypto.getRandomValues(new Uint8Array(16)), config),
  async add(g, members) {
    const out = await commitChanges(g, { addKeyPackages: members.map((m) => m.kp.publicBytes), publishGroupInfo: false });
    if (!out.welcome) throw new Error('an Add without a Welcome');
    return { group: out.group, commit: out.commit, welcome: out.welcome };
  },
  async remove(g, handle) {
    const leaf = membersOf(g).find((m) => m.handle === handle)?.leafIndex;
    if (leaf === undefined) throw new Error(`${handle} is not a member`);
    const out = await commitChanges(g, { removeLeaves: [leaf], publishGroupInfo: false });
    return { group: out.group, commit: out.commit };
  },
  join: async (welcome, m) => (await joinFromWelcome(welcome, m.kp, config)).group,
  encrypt: (g, p) => encryptApplication(g, p),
  process: async (g, message) => (await processIncoming(g, message)).group,
  groupInfo: (g) => groupInfoOf(g),
  joinExternal: async (gi, m) => (await joinExternal(gi, m.identity, config)).group,
  stateBytes: (g) => encodeGroup(g).byteLength,
};
