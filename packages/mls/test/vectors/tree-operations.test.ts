// tree-operations.json: applying Add / Update / Remove to a ratchet tree (RFC 9420 §12.1, tree truncation §7.8)
// and the resulting tree hashes (§7.8 TreeHash).
import { describe, expect, test } from "vitest";
import type { CiphersuiteImpl } from "ts-mls";
import type { Proposal } from "ts-mls/proposal.js";
import { decodeProposal } from "ts-mls/proposal.js";
import { addLeafNode, decodeRatchetTree, encodeRatchetTree, removeLeafNode, updateLeafNode, type RatchetTree } from "ts-mls/ratchetTree.js";
import { treeHashRoot } from "ts-mls/treeHash.js";
import { toLeafIndex } from "ts-mls/treemath.js";
import { forEachProvider, hex, loadVectors, Tally, toHex, VECTORS_MISSING } from "./_support.js";

interface TreeOperation {
  cipher_suite: number;
  tree_before: string;
  tree_hash_before: string;
  proposal: string;
  proposal_sender: number;
  tree_after: string;
  tree_hash_after: string;
}

const FILE = "tree-operations.json";
const cases = loadVectors<TreeOperation>(FILE);
const tally = new Tally(FILE);

function apply(p: Proposal, tree: RatchetTree, sender: number): RatchetTree {
  switch (p.proposalType) {
    case "add":
      return addLeafNode(tree, p.add.keyPackage.leafNode)[0];
    case "update":
      return updateLeafNode(tree, p.update.leafNode, toLeafIndex(sender));
    case "remove":
      return removeLeafNode(tree, toLeafIndex(p.remove.removed));
    default:
      throw new Error(`tree-operations vectors only use add/update/remove, got ${String(p.proposalType)}`);
  }
}

async function check(v: TreeOperation, impl: CiphersuiteImpl): Promise<void> {
  const before = decodeRatchetTree(hex(v.tree_before), 0)?.[0];
  const proposal = decodeProposal(hex(v.proposal), 0)?.[0];
  if (before === undefined || proposal === undefined) throw new Error("could not decode vector");
  expect(toHex(await treeHashRoot(before, impl.hash))).toBe(v.tree_hash_before);
  const after = apply(proposal, before, v.proposal_sender);
  expect(toHex(encodeRatchetTree(after))).toBe(v.tree_after);
  expect(toHex(await treeHashRoot(after, impl.hash))).toBe(v.tree_hash_after);
}

describe.skipIf(VECTORS_MISSING).concurrent(FILE, () => {
  test.each(cases.map((v, i) => [i, v] as const))("case %i", async (_i, v) => {
    await forEachProvider(tally, v.cipher_suite, ({ impl }) => check(v, impl));
  });
});
