// Shared plumbing for the MLS interop vector tests (mlswg/mls-implementations test-vectors.md).
//
// Every vector file gets a Tally: each case is either *run* (and must pass) or *skipped with a reason*; an afterAll
// fails the file if nothing ran, so a renamed field or an empty file can never pass vacuously.
//
// The vectors live outside the repo (../shared/vectors, or SEALROOM_MLS_VECTORS / SEALROOM_WYCHEPROOF_VECTORS). On a
// clone without them each vector file skips its suite (`describe.skipIf(VECTORS_MISSING)`) and registers one skipped
// test named after the notice; under CI, or when the env var names a folder that is not there, it fails instead.
import { existsSync, readFileSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, test } from "vitest";
import { defaultCryptoProvider } from "ts-mls";
import type { CiphersuiteImpl, CryptoProvider } from "ts-mls";
import { getCiphersuiteFromId, getCiphersuiteNameFromId, type CiphersuiteId } from "ts-mls/crypto/ciphersuite.js";
import type { GroupContext } from "ts-mls/groupContext.js";
import { DependencyError } from "ts-mls/mlsError.js";
import { isNodeAcceleratedCiphersuite, nodeCryptoProvider } from "../../src/node-crypto-provider.js";

/** Where one vector set lives, and whether it is there. */
export interface VectorSource {
  readonly dir: string;
  readonly envVar: string;
  /** The folder came from `envVar` rather than the ../shared/vectors default. */
  readonly fromEnv: boolean;
  readonly missing: boolean;
}

const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

/** `subdir` of ../shared/vectors (a sibling of the repo root), unless `envVar` names another folder. */
export function vectorSource(subdir: string, envVar: string): VectorSource {
  const fromEnv = process.env[envVar] !== undefined && process.env[envVar] !== "";
  const dir = fromEnv ? (process.env[envVar] ?? "") : fileURLToPath(new URL(`../../../../../shared/vectors/${subdir}/`, import.meta.url));
  return { dir, envVar, fromEnv, missing: !existsSync(dir) };
}

/** CI=true (any value but "", "0" or "false"): a missing vector folder is a failure, not a skip. */
export const IN_CI = !["", "0", "false"].includes((process.env["CI"] ?? "").toLowerCase());

/**
 * For a vector file whose folder is missing: one skipped test named after the notice (and the notice logged), or,
 * under CI or with an explicit env var pointing nowhere, one failing test. The caller skips its own suite.
 */
export function registerMissingVectors(src: VectorSource, file: string): void {
  const where = src.fromEnv ? `${src.envVar}=${src.dir}` : relative(REPO_ROOT, src.dir);
  if (IN_CI || src.fromEnv) {
    const when = IN_CI ? "in CI (CI is set)" : `when ${src.envVar} is set`;
    test(`${file}: vector folder required`, () => {
      throw new Error(`[vectors] ${where} not found: the MLS and Wycheproof vectors are required ${when}; check out ../shared/vectors next to the repo or set ${src.envVar}`);
    });
    return;
  }
  const notice = `[vectors] ${where} not found: ${file} vector suite skipped (set ${src.envVar})`;
  console.log(notice);
  test.skip(notice, () => {});
}

const MLS_VECTORS = vectorSource("mls", "SEALROOM_MLS_VECTORS");
const VECTOR_DIR = MLS_VECTORS.dir;
/** The MLS vector folder is absent: each vector file wraps its suite in `describe.skipIf(VECTORS_MISSING)`. */
export const VECTORS_MISSING = MLS_VECTORS.missing;

/** The file's cases; [] when the vector folder is missing (the suite is skipped or failed by its Tally). */
export function loadVectors<T>(file: string): T[] {
  if (VECTORS_MISSING) return [];
  const parsed: unknown = JSON.parse(readFileSync(`${VECTOR_DIR}/${file}`, "utf8"));
  if (!Array.isArray(parsed)) throw new Error(`${file}: expected a JSON array of test cases`);
  return parsed as T[];
}

export function hex(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, "hex"));
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}

export type ProviderName = "default" | "node";

export interface ImplCase {
  readonly provider: ProviderName;
  readonly impl: CiphersuiteImpl;
}

const PROVIDERS: ReadonlyArray<readonly [ProviderName, CryptoProvider]> = [
  ["default", defaultCryptoProvider],
  ["node", nodeCryptoProvider],
];

export interface ProviderPlan {
  readonly provider: ProviderName;
  /** undefined: run with `impl`; otherwise the reason this (provider, suite) pair is skipped. */
  readonly skip?: string;
  readonly impl?: CiphersuiteImpl;
}

/**
 * Which providers a suite runs under. ts-mls's default provider is always tried; a DependencyError (an optional
 * peer dependency such as @hpke/dhkem-x448 or @hpke/chacha20poly1305 that we do not ship) is a skip, anything else
 * is a real failure. nodeCryptoProvider runs only the suites it accelerates -- the rest it hands to the default
 * provider verbatim, so re-running them would test nothing new.
 */
export async function planFor(csId: number): Promise<ProviderPlan[]> {
  const cs = getCiphersuiteFromId(csId as CiphersuiteId);
  const plans: ProviderPlan[] = [];
  for (const [name, provider] of PROVIDERS) {
    if (name === "node" && !isNodeAcceleratedCiphersuite(cs)) {
      plans.push({ provider: name, skip: `node/suite ${csId}: not accelerated, delegated to default` });
      continue;
    }
    try {
      plans.push({ provider: name, impl: await provider.getCiphersuiteImpl(cs) });
    } catch (e) {
      if (e instanceof DependencyError) {
        const pkg = /'([^']+)'/.exec(e.message)?.[1] ?? e.message;
        plans.push({ provider: name, skip: `${name}/suite ${csId}: ts-mls needs optional ${pkg} (not installed)` });
      }
      else throw e;
    }
  }
  return plans;
}

/**
 * Counts, for one vector file, the vector cases that ran (under at least one provider), the cases skipped entirely,
 * and the individual (case, provider) runs and skips with their reasons. Fails the file if no case ran. When the
 * vector folder is missing it registers the skip notice (or, in CI, the failure) instead.
 */
export class Tally {
  casesRun = 0;
  casesSkipped = 0;
  readonly runs = new Map<string, number>();
  /** Wall-clock ms per run label; with concurrent tests these overlap, so they are indicative only. */
  readonly millis = new Map<string, number>();
  readonly skips = new Map<string, number>();

  constructor(readonly file: string) {
    if (VECTORS_MISSING) {
      registerMissingVectors(MLS_VECTORS, file);
      return;
    }
    afterAll(() => {
      const fmt = (m: Map<string, number>): string =>
        [...m.entries()]
          .sort()
          .map(([k, n]) => `${k} x${n}` + (this.millis.has(k) ? ` (${Math.round(this.millis.get(k) ?? 0)} ms)` : ""))
          .join("; ");
      console.log(
        `[vectors] ${file}: cases run ${this.casesRun}, cases skipped ${this.casesSkipped}` +
          (this.runs.size > 0 ? `\n  runs: ${fmt(this.runs)}` : "") +
          (this.skips.size > 0 ? `\n  skips: ${fmt(this.skips)}` : ""),
      );
      expect(this.casesRun, `${file}: no vector case ran`).toBeGreaterThan(0);
    });
  }

  /** A case without provider/suite dimension (pure codec or tree math). */
  ran(): void {
    this.casesRun++;
  }

  providerRan(label: string, ms: number): void {
    this.runs.set(label, (this.runs.get(label) ?? 0) + 1);
    this.millis.set(label, (this.millis.get(label) ?? 0) + ms);
  }

  skip(reason: string): void {
    this.skips.set(reason, (this.skips.get(reason) ?? 0) + 1);
  }

  caseDone(providersRan: number): void {
    if (providersRan > 0) this.casesRun++;
    else this.casesSkipped++;
  }
}

/**
 * Runs `body` once per provider that can handle `csId`, recording runs and skips; the case counts as run if at
 * least one provider ran it. Returns how many providers ran.
 */
export async function forEachProvider(
  tally: Tally,
  csId: number,
  body: (c: ImplCase) => Promise<void>,
  subset?: (provider: ProviderName) => string | undefined,
): Promise<number> {
  let ran = 0;
  for (const plan of await planFor(csId)) {
    const subsetSkip = plan.impl === undefined ? undefined : subset?.(plan.provider);
    if (plan.impl === undefined || subsetSkip !== undefined) {
      tally.skip(plan.skip ?? subsetSkip ?? "no implementation");
      continue;
    }
    const t0 = performance.now();
    await body({ provider: plan.provider, impl: plan.impl });
    tally.providerRan(`${plan.provider}/suite ${csId}`, performance.now() - t0);
    ran++;
  }
  tally.caseDone(ran);
  return ran;
}

/** Set SEALROOM_VECTORS_FULL=1 to lift the documented default subsets of the slowest vector files. */
export const FULL_VECTORS = process.env["SEALROOM_VECTORS_FULL"] === "1";

/**
 * Deterministic subset for the slowest combinations: ts-mls's default provider does P-384 / P-521 (suites 7 and 5)
 * in pure JS (@noble/curves), roughly 5x slower than X25519/P-256. Within each of those suites only the first
 * `keep` cases (in file order) run unless FULL_VECTORS; the rest are counted as skipped with this reason.
 */
export function slowSuiteSubset(csId: number, ordinalInSuite: number, keep: number): (p: ProviderName) => string | undefined {
  return () =>
    !FULL_VECTORS && (csId === 5 || csId === 7) && ordinalInSuite >= keep
      ? `subset: suite ${csId} beyond first ${keep} cases (set SEALROOM_VECTORS_FULL=1)`
      : undefined;
}

/** For each case, its 0-based position among the cases of the same cipher suite (file order). */
export function ordinalsBySuite(cases: readonly { cipher_suite: number }[]): number[] {
  const seen = new Map<number, number>();
  return cases.map((c) => {
    const n = seen.get(c.cipher_suite) ?? 0;
    seen.set(c.cipher_suite, n + 1);
    return n;
  });
}

/** The GroupContext (RFC 9420 §8.1) most vectors describe field by field, with no extensions. */
export function groupContextOf(
  csId: number,
  groupId: string,
  epoch: number | bigint,
  treeHash: Uint8Array,
  confirmedTranscriptHash: string,
): GroupContext {
  return {
    version: "mls10",
    cipherSuite: getCiphersuiteNameFromId(csId as CiphersuiteId),
    groupId: hex(groupId),
    epoch: BigInt(epoch),
    treeHash,
    confirmedTranscriptHash: hex(confirmedTranscriptHash),
    extensions: [],
  };
}

/** An HPKE key pair matches iff what is sealed to the public key opens with the private key (RFC 9180 §5.1). */
export async function hpkeKeysMatch(publicKey: Uint8Array, privateKey: Uint8Array, impl: CiphersuiteImpl): Promise<boolean> {
  const pt = impl.rng.randomBytes(16);
  const info = new TextEncoder().encode("sealroom key match");
  const { ct, enc } = await impl.hpke.seal(await impl.hpke.importPublicKey(publicKey), pt, info);
  try {
    const opened = await impl.hpke.open(await impl.hpke.importPrivateKey(privateKey), enc, ct, info);
    return toHex(opened) === toHex(pt);
  } catch {
    return false;
  }
}

/** A signature key pair matches iff a fresh signature under the private key verifies under the public key. */
export async function signatureKeysMatch(publicKey: Uint8Array, signKey: Uint8Array, impl: CiphersuiteImpl): Promise<boolean> {
  const msg = impl.rng.randomBytes(32);
  return impl.signature.verify(publicKey, msg, await impl.signature.sign(signKey, msg));
}
