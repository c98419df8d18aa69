// Wycheproof loader and counters. `result` is valid | invalid | acceptable; each test file decides what
// "acceptable" means for the adapter it checks, and fails if no case ran.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, expect } from "vitest";
import { getCiphersuiteFromName, type CiphersuiteImpl, type CiphersuiteName } from "ts-mls";
import { nodeCryptoProvider } from "../../src/node-crypto-provider.js";

const DIR = process.env["SEALROOM_WYCHEPROOF_VECTORS"] ?? fileURLToPath(new URL("../../../../../shared/vectors/wycheproof/", import.meta.url));

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

export function loadWycheproof<G>(file: string): WycheproofFile<G> {
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

/** Per-file counters: ran by result, skipped by reason; the file fails if nothing ran. */
export class WycheproofTally {
  readonly ran = new Map<string, number>();
  readonly skipped = new Map<string, number>();

  constructor(readonly file: string) {
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
