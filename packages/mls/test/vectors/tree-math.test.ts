// tree-math.json: the array-based tree arithmetic of RFC 9420 §4.1 / Appendix C.
import { describe, expect, test } from "vitest";
import { left, nodeWidth, parent, right, root, sibling, toNodeIndex, type NodeIndex } from "ts-mls/treemath.js";
import { loadVectors, Tally, VECTORS_MISSING } from "./_support.js";

interface TreeMath {
  n_leaves: number;
  n_nodes: number;
  root: number;
  left: (number | null)[];
  right: (number | null)[];
  parent: (number | null)[];
  sibling: (number | null)[];
}

const FILE = "tree-math.json";
const cases = loadVectors<TreeMath>(FILE);
const tally = new Tally(FILE);

/** null in the vector means "undefined for this node" (leaf has no child, root has no parent/sibling): must throw. */
function expectRelation(expected: readonly (number | null)[], f: (i: NodeIndex) => NodeIndex): void {
  for (const [i, want] of expected.entries()) {
    if (want === null) expect(() => f(toNodeIndex(i))).toThrow();
    else expect(f(toNodeIndex(i))).toBe(want);
  }
}

describe.skipIf(VECTORS_MISSING)(FILE, () => {
  test.each(cases.map((v, i) => [i, v] as const))("case %i", (_i, v) => {
    expect(nodeWidth(v.n_leaves)).toBe(v.n_nodes);
    expect(root(v.n_leaves)).toBe(v.root);
    expectRelation(v.left, (i) => left(i));
    expectRelation(v.right, (i) => right(i));
    expectRelation(v.parent, (i) => parent(i, v.n_leaves));
    expectRelation(v.sibling, (i) => sibling(i, v.n_leaves));
    tally.ran();
  });
});
