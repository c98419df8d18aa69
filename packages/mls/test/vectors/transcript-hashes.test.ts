// transcript-hashes.json: confirmation tag check and confirmed/interim transcript hashes (RFC 9420 §8.2).
import { describe, expect, test } from "vitest";
import type { CiphersuiteImpl } from "ts-mls";
import { decodeAuthenticatedContent } from "ts-mls/authenticatedContent.js";
import { createConfirmedHash, createInterimHash } from "ts-mls/transcriptHash.js";
import { forEachProvider, hex, loadVectors, Tally, toHex, VECTORS_MISSING } from "./_support.js";

interface TranscriptHashes {
  cipher_suite: number;
  confirmation_key: string;
  authenticated_content: string;
  interim_transcript_hash_before: string;
  confirmed_transcript_hash_after: string;
  interim_transcript_hash_after: string;
}

const FILE = "transcript-hashes.json";
const cases = loadVectors<TranscriptHashes>(FILE);
const tally = new Tally(FILE);

async function check(v: TranscriptHashes, impl: CiphersuiteImpl): Promise<void> {
  const decoded = decodeAuthenticatedContent(hex(v.authenticated_content), 0);
  if (decoded === undefined) throw new Error("could not decode AuthenticatedContent");
  const ac = decoded[0];
  if (ac.content.contentType !== "commit" || ac.auth.contentType !== "commit") throw new Error("not a commit");
  const tag = ac.auth.confirmationTag;

  // confirmation_tag = MAC(confirmation_key, confirmed_transcript_hash_after)
  expect(await impl.hash.verifyMac(hex(v.confirmation_key), tag, hex(v.confirmed_transcript_hash_after))).toBe(true);
  const confirmed = await createConfirmedHash(
    hex(v.interim_transcript_hash_before),
    { wireformat: ac.wireformat, content: ac.content, signature: ac.auth.signature },
    impl.hash,
  );
  expect(toHex(confirmed)).toBe(v.confirmed_transcript_hash_after);
  expect(toHex(await createInterimHash(confirmed, tag, impl.hash))).toBe(v.interim_transcript_hash_after);
}

describe.skipIf(VECTORS_MISSING).concurrent(FILE, () => {
  test.each(cases.map((v, i) => [i, v] as const))("case %i", async (_i, v) => {
    await forEachProvider(tally, v.cipher_suite, ({ impl }) => check(v, impl));
  });
});
