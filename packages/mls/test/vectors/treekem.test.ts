// treekem.json: TreeKEM (RFC 9420 §7.4-§7.6). For each UpdatePath in the vector: apply it (tree hash after),
// let every other leaf decrypt its path secret and derive the commit secret; then have ts-mls create a fresh
// UpdatePath from the same sender and check every receiver derives the sender's new commit secret.
import { describe, expect, test } from "vitest";
import type { CiphersuiteImpl } from "ts-mls";
import { applyUpdatePathSecret } from "ts-mls/createCommit.js";
import { deriveSecret } from "ts-mls/crypto/kdf.js";
import type { GroupContext } from "ts-mls/groupContext.js";
import { getCommitSecret, type PathSecrets } from "ts-mls/pathSecrets.js";
import { toPrivateKeyPath, type PrivateKeyPath } from "ts-mls/privateKeyPath.js";
import { decodeRatchetTree, getHpkePublicKey, type RatchetTree } from "ts-mls/ratchetTree.js";
import { treeHashRoot } from "ts-mls/treeHash.js";
import { leafToNodeIndex, toLeafIndex } from "ts-mls/treemath.js";
import { applyUpdatePath, createUpdatePath, decodeUpdatePath } from "ts-mls/updatePath.js";
import { forEachProvider, groupContextOf, hex, hpkeKeysMatch, loadVectors, ordinalsBySuite, slowSuiteSubset, Tally, toHex, VECTORS_MISSING } from "./_support.js";

interface LeafPrivate {
  index: number;
  encryption_priv: string;
  signature_priv: string;
  path_secrets: { node: number; path_secret: string }[];
}

interface UpdatePathCase {
  sender: number;
  update_path: string;
  path_secrets: (string | null)[];
  commit_secret: string;
  tree_hash_after: string;
}

interface TreeKem {
  cipher_suite: number;
  group_id: string;
  epoch: number;
  confirmed_transcript_hash: string;
  ratchet_tree: string;
  leaves_private: LeafPrivate[];
  update_paths: UpdatePathCase[];
}

const FILE = "treekem.json";
const cases = loadVectors<TreeKem>(FILE);
const tally = new Tally(FILE);
const ordinals = ordinalsBySuite(cases);
// Default run: all cases of suites 1/2/3, the first 3 of 11 for P-521/P-384 (≈50 s saved); see slowSuiteSubset.
const KEEP_SLOW = 3;

function pathSecretsOf(leaf: LeafPrivate): PathSecrets {
  const out: PathSecrets = {};
  for (const ps of leaf.path_secrets) out[ps.node] = hex(ps.path_secret);
  return out;
}

async function privatePaths(v: TreeKem, impl: CiphersuiteImpl): Promise<PrivateKeyPath[]> {
  return Promise.all(
    v.leaves_private.map(async (leaf) => {
      const p = await toPrivateKeyPath(pathSecretsOf(leaf), leaf.index, impl);
      return { ...p, privateKeys: { ...p.privateKeys, [leafToNodeIndex(toLeafIndex(leaf.index))]: hex(leaf.encryption_priv) } };
    }),
  );
}

/** The private state in the vector is consistent with the public tree (leaf keys and path-secret-derived keys). */
async function checkTreeKeys(v: TreeKem, tree: RatchetTree, impl: CiphersuiteImpl): Promise<void> {
  for (const leaf of v.leaves_private) {
    const node = tree[leafToNodeIndex(toLeafIndex(leaf.index))];
    if (node?.nodeType !== "leaf") throw new Error(`no leaf at ${leaf.index}`);
    expect(await hpkeKeysMatch(node.leaf.hpkePublicKey, hex(leaf.encryption_priv), impl)).toBe(true);
    for (const ps of leaf.path_secrets) {
      // node_priv/node_pub = KEM.DeriveKeyPair(DeriveSecret(path_secret, "node")) (§7.4)
      const { publicKey } = await impl.hpke.deriveKeyPair(await deriveSecret(hex(ps.path_secret), "node", impl.kdf));
      const n = tree[ps.node];
      if (n === undefined) throw new Error(`blank node ${ps.node} has a path secret`);
      expect(toHex(await impl.hpke.exportPublicKey(publicKey))).toBe(toHex(getHpkePublicKey(n)));
    }
  }
}

async function check(v: TreeKem, impl: CiphersuiteImpl): Promise<void> {
  const tree = decodeRatchetTree(hex(v.ratchet_tree), 0)?.[0];
  if (tree === undefined) throw new Error("could not decode tree");
  const gc: GroupContext = groupContextOf(v.cipher_suite, v.group_id, v.epoch, await treeHashRoot(tree, impl.hash), v.confirmed_transcript_hash);
  const paths = await privatePaths(v, impl);
  await checkTreeKeys(v, tree, impl);

  for (const up of v.update_paths) {
    const sender = toLeafIndex(up.sender);
    const updatePath = decodeUpdatePath(hex(up.update_path), 0)?.[0];
    if (updatePath === undefined) throw new Error("could not decode UpdatePath");
    const updated = await applyUpdatePath(tree, sender, updatePath, impl.hash);
    const treeHashAfter = await treeHashRoot(updated, impl.hash);
    expect(toHex(treeHashAfter)).toBe(up.tree_hash_after);
    const gcAfter = { ...gc, treeHash: treeHashAfter };

    // A fresh UpdatePath from the same sender (it needs the sender's signature key to re-sign its LeafNode).
    const senderState = v.leaves_private.find((l) => l.index === up.sender);
    if (senderState === undefined) throw new Error("sender has no private state");
    const [newTree, newPath, newSecrets] = await createUpdatePath(updated, sender, gcAfter, hex(senderState.signature_priv), impl);
    const rootSecret = newSecrets.at(-1);
    if (rootSecret === undefined) throw new Error("createUpdatePath produced no path secrets");
    const newCommitSecret = await deriveSecret(rootSecret.secret, "path", impl.kdf);
    const newGc = { ...gc, treeHash: await treeHashRoot(newTree, impl.hash), epoch: gc.epoch + 1n };

    for (const pp of paths) {
      if (pp.leafIndex === up.sender) {
        expect(up.path_secrets[pp.leafIndex]).toBeNull();
        continue;
      }
      const got = await applyUpdatePathSecret(tree, pp, sender, gcAfter, updatePath, [], impl);
      expect(toHex(got.pathSecret)).toBe(up.path_secrets[pp.leafIndex]);
      expect(toHex(await getCommitSecret(tree, got.nodeIndex, got.pathSecret, impl.kdf))).toBe(up.commit_secret);

      const fresh = await applyUpdatePathSecret(tree, pp, sender, newGc, newPath, [], impl);
      expect(toHex(await getCommitSecret(tree, fresh.nodeIndex, fresh.pathSecret, impl.kdf))).toBe(toHex(newCommitSecret));
    }
  }
}

// Sequential on purpose: CPU-bound, and it keeps the per-provider timings in the summary meaningful.
describe.skipIf(VECTORS_MISSING)(FILE, () => {
  test.each(cases.map((v, i) => [i, v] as const))("case %i", { timeout: 60_000 }, async (i, v) => {
    await forEachProvider(tally, v.cipher_suite, ({ impl }) => check(v, impl), slowSuiteSubset(v.cipher_suite, ordinals[i] ?? 0, KEEP_SLOW));
  });
});
