// messages.json: decode -> re-encode must reproduce every wire structure byte for byte (RFC 9420 §6, §7, §12).
import { describe, expect, test } from "vitest";
import type { Decoder } from "ts-mls/codec/tlsDecoder.js";
import type { Encoder } from "ts-mls/codec/tlsEncoder.js";
import { decodeMlsMessage, encodeMlsMessage, type MLSMessage } from "ts-mls/message.js";
import { decodeCommit, encodeCommit } from "ts-mls/commit.js";
import { decodeGroupSecrets, encodeGroupSecrets } from "ts-mls/groupSecrets.js";
import { decodeRatchetTree, encodeRatchetTree } from "ts-mls/ratchetTree.js";
import {
  decodeAdd,
  decodeExternalInit,
  decodeGroupContextExtensions,
  decodePSK,
  decodeReinit,
  decodeRemove,
  decodeUpdate,
  encodeAdd,
  encodeExternalInit,
  encodeGroupContextExtensions,
  encodePSK,
  encodeReinit,
  encodeRemove,
  encodeUpdate,
} from "ts-mls/proposal.js";
import { hex, loadVectors, Tally, toHex, VECTORS_MISSING } from "./_support.js";

type Messages = Record<
  | "mls_welcome"
  | "mls_group_info"
  | "mls_key_package"
  | "ratchet_tree"
  | "group_secrets"
  | "add_proposal"
  | "update_proposal"
  | "remove_proposal"
  | "pre_shared_key_proposal"
  | "re_init_proposal"
  | "external_init_proposal"
  | "group_context_extensions_proposal"
  | "commit"
  | "public_message_application"
  | "public_message_proposal"
  | "public_message_commit"
  | "private_message",
  string
>;

const FILE = "messages.json";
const cases = loadVectors<Messages>(FILE);
const tally = new Tally(FILE);

/** Decodes the whole input (no trailing bytes) and re-encodes it identically. Returns the decoded value. */
function roundTrip<T>(field: string, input: string, dec: Decoder<T>, enc: Encoder<T>): T {
  const bytes = hex(input);
  const decoded = dec(bytes, 0);
  if (decoded === undefined) throw new Error(`${field}: could not decode`);
  expect(decoded[1], `${field}: consumed length`).toBe(bytes.length);
  expect(toHex(enc(decoded[0])), `${field}: re-encoding`).toBe(input);
  return decoded[0];
}

/** An MLSMessage of the given wire format, optionally checking the framed content type of a PublicMessage. */
function mlsMessage(field: string, input: string, wireformat: MLSMessage["wireformat"], contentType?: "application" | "proposal" | "commit"): void {
  const m = roundTrip(field, input, decodeMlsMessage, encodeMlsMessage);
  expect(m.wireformat, field).toBe(wireformat);
  if (contentType !== undefined) {
    if (m.wireformat !== "mls_public_message") throw new Error(`${field}: not a public message`);
    expect(m.publicMessage.content.contentType, field).toBe(contentType);
  }
}

describe.skipIf(VECTORS_MISSING).concurrent(FILE, () => {
  test.each(cases.map((v, i) => [i, v] as const))("case %i", (_i, v) => {
    mlsMessage("mls_welcome", v.mls_welcome, "mls_welcome");
    mlsMessage("mls_group_info", v.mls_group_info, "mls_group_info");
    mlsMessage("mls_key_package", v.mls_key_package, "mls_key_package");
    roundTrip("ratchet_tree", v.ratchet_tree, decodeRatchetTree, encodeRatchetTree);
    roundTrip("group_secrets", v.group_secrets, decodeGroupSecrets, encodeGroupSecrets);
    roundTrip("add_proposal", v.add_proposal, decodeAdd, encodeAdd);
    roundTrip("update_proposal", v.update_proposal, decodeUpdate, encodeUpdate);
    roundTrip("remove_proposal", v.remove_proposal, decodeRemove, encodeRemove);
    roundTrip("pre_shared_key_proposal", v.pre_shared_key_proposal, decodePSK, encodePSK);
    roundTrip("re_init_proposal", v.re_init_proposal, decodeReinit, encodeReinit);
    roundTrip("external_init_proposal", v.external_init_proposal, decodeExternalInit, encodeExternalInit);
    roundTrip("group_context_extensions_proposal", v.group_context_extensions_proposal, decodeGroupContextExtensions, encodeGroupContextExtensions);
    roundTrip("commit", v.commit, decodeCommit, encodeCommit);
    mlsMessage("public_message_application", v.public_message_application, "mls_public_message", "application");
    mlsMessage("public_message_proposal", v.public_message_proposal, "mls_public_message", "proposal");
    mlsMessage("public_message_commit", v.public_message_commit, "mls_public_message", "commit");
    mlsMessage("private_message", v.private_message, "mls_private_message");
    tally.ran();
  });
});
