// Wycheproof loader and counters. `result` is valid | invalid | acceptable; each test file decides what
// "acceptable" means for the adapter it checks, and fails if no case ran. Without the vector folder each file skips
// its suite (`describe.skipIf(VECTORS_MISSING)`), or fails under CI -- see registerMissingVectors in ../vectors/_support.ts.
import { readFileSync } from "node:fs";
import { afterAll, expect } from "vitest";
import { getCiphersuiteFromName, type CiphersuiteImpl, type CiphersuiteName } from "ts-mls";
import { nodeCryptoProvider } from "../../src/node-crypto-provider.js";
import { registerMissingVectors, vectorSource } from "../vectors/_support.js";

const SOURCE = vectorSource("wycheproof", "SEALROOM_WYCHEPROOF_VECTORS");
const DIR = SOURCE.dir;
/** The Wycheproof vector folder is absent: each file wraps its suite in `describe.skipIf(VECTORS_MISSING)`. */
export const VECTORS_MISSING = SOURCE.missing;

export type WycheproofResult = "valid" | "invalid" | "acceptable";

export interface WycheproofTest {
  tcId: number;
  comment: string;
  flags: string[];
  result: WycheproofResult;
}

export interface WycheproofFile<G> {
  algorithm: string;
  numberOfTests: number;
  testGroups: G[];
}

/** The parsed file; no test groups when the vector folder is missing (the suite is skipped or failed by its tally). */
export function loadWycheproof<G>(file: string): WycheproofFile<G> {
  if (VECTORS_MISSING) return { algorithm: "", numberOfTests: 0, testGroups: [] };
  return JSON.parse(readFileSync(`${DIR}/${file}`, "utf8")) as WycheproofFile<G>;
}

export function hex(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, "hex"));
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}

export function nodeImpl(name: CiphersuiteName): Promise<CiphersuiteImpl> {
  return nodeCryptoProvider.getCiphersuiteImpl(getCiphersuiteFromName(name));
}

/**
 * Per-file counters: ran by result, skipped by reason; the file fails if nothing ran. When the vector folder is
 * missing it registers the skip notice (or, in CI, the failure) instead.
 */
export class WycheproofTally {
  readonly ran = new Map<string, number>();
  readonly skipped = new Map<string, number>();

  constructor(readonly file: string) {
    if (VECTORS_MISSING) {
      registerMissingVectors(SOURCE, file);
      return;
    }
    afterAll(() => {
      const fmt = (m: Map<string, number>): string => [...m.entries()].map(([k, n]) => `${k} ${n}`).join(", ");
      const total = [...this.ran.values()].reduce((a, b) => a + b, 0);
      console.log(`[wycheproof] ${file}: ran ${total} (${fmt(this.ran)})${this.skipped.size > 0 ? `; skipped ${fmt(this.skipped)}` : ""}`);
      expect(total, `${file}: no Wycheproof case ran`).toBeGreaterThan(0);
    });
  }

  run(result: string): void {
    this.ran.set(result, (this.ran.get(result) ?? 0) + 1);
  }

  skip(reason: string): void {
    this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + 1);
  }
}

/** Wycheproof's AEAD test layout (aes_gcm_test.json, chacha20_poly1305_test.json). */
export interface AeadTest extends WycheproofTest {
  key: string;
  iv: string;
  aad: string;
  msg: string;
  ct: string;
  tag: string;
}
export interface AeadGroup {
  keySize: number;
  ivSize: number;
  tagSize: number;
  tests: AeadTest[];
}
