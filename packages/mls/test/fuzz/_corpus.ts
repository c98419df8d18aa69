// Seed inputs for the MLS fuzzer: traffic generated here with packages/mls's own API (a small room's real
// commits, application messages, proposals, Welcomes, GroupInfos and key packages), plus the official interop
// vectors' wire messages when ../shared/vectors/mls is there (see ../vectors/_support.ts).
import {
  commitChanges,
  commitUpdate,
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
  proposeSelfRemove,
  type Group,
  type Identity,
  type OwnKeyPackage,
} from '../../src/index.js';
import { hex, loadVectors, VECTORS_MISSING } from '../vectors/_support.js';

export const cfg = () => makeClientConfig(createAuthenticationService());
const utf8 = (s: string) => new TextEncoder().encode(s);

/** A generated room: alice, bob and (by external commit) dave, and what each of them would receive next. */
export type Traffic = {
  /** bob in epoch 1, and framed messages for that epoch: alice's text, her update commit, her add, dave's external join. */
  bob: Group;
  toBob: Uint8Array[];
  /** alice in epoch 1, and bob's text and self-remove proposal for that epoch. */
  alice: Group;
  toAlice: Uint8Array[];
  /** carol's key package and the Welcome that adds her; bob's Welcome too (joinFromWelcome is stateless). */
  carolKp: OwnKeyPackage;
  welcomes: Uint8Array[];
  /** GroupInfos with external_pub and the ratchet tree (for joinExternal), and the joiner. */
  groupInfos: Uint8Array[];
  eve: Identity;
  keyPackages: Uint8Array[];
  /** Encoded group states (for decodeGroup). */
  states: Uint8Array[];
};

export async function generateTraffic(): Promise<Traffic> {
  const [alice, bob, carol, dave, eve] = await Promise.all(['alice', 'bob', 'carol', 'dave', 'eve'].map((h) => generateIdentity(h)));
  const a0 = await createGroup(alice!, crypto.getRandomValues(new Uint8Array(16)), cfg());
  const bobKp = await createKeyPackage(bob!);
  const c1 = await commitChanges(a0, { addKeyPackages: [bobKp.publicBytes], publishGroupInfo: true, welcomeInfo: utf8('{"v":1,"name":"Fuzz","open":true}') });
  const a1 = c1.group;
  const b1 = (await joinFromWelcome(c1.welcome!, bobKp, cfg())).group;

  const aText = await encryptApplication(a1, utf8('{"v":1,"type":"text","id":"00000000000000000000000000000000","time":0,"text":"hi"}'));
  const aUpdate = await commitUpdate(a1, true);
  const carolKp = await createKeyPackage(carol!);
  const aAdd = await commitChanges(a1, { addKeyPackages: [carolKp.publicBytes], publishGroupInfo: true });
  const gi1 = await groupInfoOf(a1);
  const daveJoin = await joinExternal(gi1, dave!, cfg());
  const aRemove = await commitChanges(a1, { removeLeaves: [1], publishGroupInfo: false });

  const bText = await encryptApplication(b1, utf8('hello alice'));
  const bLeave = await proposeSelfRemove(b1);

  return {
    bob: b1,
    toBob: [aText.message, aUpdate.commit, aAdd.commit, daveJoin.commit, aRemove.commit],
    alice: a1,
    toAlice: [bText.message, bLeave.proposal, daveJoin.commit],
    carolKp,
    welcomes: [aAdd.welcome!, c1.welcome!],
    groupInfos: [gi1, c1.groupInfo!, aAdd.groupInfo!],
    eve: eve!,
    keyPackages: [bobKp.publicBytes, carolKp.publicBytes],
    states: [encodeGroup(a1), encodeGroup(b1)],
  };
}

/** Vector inputs above this size are left out: they cost time per case and add no new structure. */
const MAX_SEED_BYTES = 32 * 1024;

type MessagesCase = Record<string, string>;
type PassiveCase = { cipher_suite: number; key_package: string; welcome: string; epochs: { proposals: string[]; commit: string }[] };

/** Wire messages (MLSMessage) from the interop vectors, by kind; empty when the vector folder is missing. */
export function vectorSeeds(): { framed: Uint8Array[]; welcomes: Uint8Array[]; groupInfos: Uint8Array[]; keyPackages: Uint8Array[] } {
  const out = { framed: [] as Uint8Array[], welcomes: [] as Uint8Array[], groupInfos: [] as Uint8Array[], keyPackages: [] as Uint8Array[] };
  if (VECTORS_MISSING) {
    console.log('[fuzz] MLS vector folder not found: fuzzing generated traffic only (see ../vectors/_support.ts)');
    return out;
  }
  const add = (list: Uint8Array[], h: string | undefined) => {
    if (h !== undefined && h.length > 0 && h.length / 2 <= MAX_SEED_BYTES) list.push(hex(h));
  };
  // messages.json (mlswg test-vectors.md "Messages"): every wire format, many cipher suites; 12 cases suffice.
  for (const c of loadVectors<MessagesCase>('messages.json').slice(0, 12)) {
    add(out.welcomes, c['mls_welcome']);
    add(out.groupInfos, c['mls_group_info']);
    add(out.keyPackages, c['mls_key_package']);
    for (const k of ['public_message_application', 'public_message_proposal', 'public_message_commit', 'private_message']) add(out.framed, c[k]);
  }
  // Passive-client vectors: real Welcomes and commit sequences from other implementations.
  for (const file of ['passive-client-welcome.json', 'passive-client-handling-commit.json']) {
    for (const c of loadVectors<PassiveCase>(file).filter((x) => x.cipher_suite === 1).slice(0, 4)) {
      add(out.keyPackages, c.key_package);
      add(out.welcomes, c.welcome);
      for (const e of c.epochs.slice(0, 2)) {
        add(out.framed, e.commit);
        for (const p of e.proposals.slice(0, 2)) add(out.framed, p);
      }
    }
  }
  return out;
}
