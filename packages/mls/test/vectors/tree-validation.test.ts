// tree-validation.json: per-node tree hashes (RFC 9420 §7.8), resolutions (§4.1.1), parent-hash chain
// (§7.9.2) and every leaf's LeafNode signature (§7.2) of a full ratchet tree.
import { describe, expect, test } from "vitest";
import type { CiphersuiteImpl } from "ts-mls";
import { verifyLeafNodeSignature } from "ts-mls/leafNode.js";
import { verifyParentHashes } from "ts-mls/parentHash.js";
import { decodeRatchetTree, resolution } from "ts-mls/ratchetTree.js";
import { treeHash } from "ts-mls/treeHash.js";
import { nodeToLeafIndex, toNodeIndex } from "ts-mls/treemath.js";
import { forEachProvider, hex, loadVectors, ordinalsBySuite, slowSuiteSubset, Tally, toHex, VECTORS_MISSING } from "./_support.js";

interface TreeValidation {
  cipher_suite: number;
  tree: string;
  group_id: string;
  resolutions: number[][];
  tree_hashes: string[];
}

const FILE = "tree-validation.json";
const cases = loadVectors<TreeValidation>(FILE);
const tally = new Tally(FILE);
const ordinals = ordinalsBySuite(cases);
// Default run: all 14 cases of suites 1/2/3, the first 4 for P-521/P-384 (see slowSuiteSubset).
const KEEP_SLOW = 4;

async function check(v: TreeValidation, impl: CiphersuiteImpl): Promise<void> {
  const tree = decodeRatchetTree(hex(v.tree), 0)?.[0];
  if (tree === undefined) throw new Error("could not decode tree");
  for (const [i, h] of v.tree_hashes.entries()) {
    expect(toHex(await treeHash(tree, toNodeIndex(i), impl.hash)), `tree hash of node ${i}`).toBe(h);
  }
  for (const [i, r] of v.resolutions.entries()) {
    expect(resolution(tree, toNodeIndex(i)), `resolution of node ${i}`).toEqual(r);
  }
  expect(await verifyParentHashes(tree, impl.hash)).toBe(true);
  for (const [i, node] of tree.entries()) {
    if (node?.nodeType !== "leaf") continue;
    const leafIndex = nodeToLeafIndex(toNodeIndex(i));
    expect(await verifyLeafNodeSignature(node.leaf, hex(v.group_id), leafIndex, impl.signature), `leaf ${leafIndex} signature`).toBe(true);
  }
}

// Sequential on purpose: CPU-bound, and it keeps the per-provider timings in the summary meaningful.
describe.skipIf(VECTORS_MISSING)(FILE, () => {
  test.each(cases.map((v, i) => [i, v] as const))("case %i", async (i, v) => {
    await forEachProvider(tally, v.cipher_suite, ({ impl }) => check(v, impl), slowSuiteSubset(v.cipher_suite, ordinals[i] ?? 0, KEEP_SLOW));
  });
});
