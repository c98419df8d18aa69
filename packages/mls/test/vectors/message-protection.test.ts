// message-protection.json: PublicMessage (RFC 9420 §6.2) and PrivateMessage (§6.3) protection of a proposal, a
// commit and application data, for a two-member group whose sender signs with signature_priv.
//
// Each *_pub / *_priv message from the vector is unprotected and compared; then the same content is protected by
// ts-mls and unprotected again (proposal/application via protectProposal*/protectApplicationData; commits re-use the
// vector's signed AuthenticatedContent, because ts-mls 1.6.4 only signs commits inside createCommit()).
import { describe, expect, test } from "vitest";
import type { CiphersuiteImpl } from "ts-mls";
import type { AuthenticatedContent } from "ts-mls/authenticatedContent.js";
import { decodeCommit, encodeCommit } from "ts-mls/commit.js";
import type { GroupContext } from "ts-mls/groupContext.js";
import { defaultKeyRetentionConfig } from "ts-mls/keyRetentionConfig.js";
import { decodeMlsMessage } from "ts-mls/message.js";
import { protect, protectApplicationData, protectProposal, unprotectPrivateMessage } from "ts-mls/messageProtection.js";
import { protectProposalPublic, protectPublicMessage, unprotectPublicMessage } from "ts-mls/messageProtectionPublic.js";
import { defaultPaddingConfig } from "ts-mls/paddingConfig.js";
import type { PrivateMessage } from "ts-mls/privateMessage.js";
import { decodeProposal, encodeProposal } from "ts-mls/proposal.js";
import type { PublicMessage } from "ts-mls/publicMessage.js";
import { createSecretTree } from "ts-mls/secretTree.js";
import { forEachProvider, groupContextOf, hex, loadVectors, Tally, toHex, VECTORS_MISSING } from "./_support.js";

interface MessageProtection {
  cipher_suite: number;
  group_id: string;
  epoch: number;
  tree_hash: string;
  confirmed_transcript_hash: string;
  signature_priv: string;
  signature_pub: string;
  encryption_secret: string;
  sender_data_secret: string;
  membership_key: string;
  proposal: string;
  proposal_pub: string;
  proposal_priv: string;
  commit: string;
  commit_pub: string;
  commit_priv: string;
  application: string;
  application_priv: string;
}

const FILE = "message-protection.json";
const cases = loadVectors<MessageProtection>(FILE);
const tally = new Tally(FILE);
const N_LEAVES = 2; // the vector's group has two members; the sender is one of them

function publicMessage(s: string): PublicMessage {
  const m = decodeMlsMessage(hex(s), 0)?.[0];
  if (m?.wireformat !== "mls_public_message") throw new Error("not an MLSMessage(PublicMessage)");
  return m.publicMessage;
}

function privateMessage(s: string): PrivateMessage {
  const m = decodeMlsMessage(hex(s), 0)?.[0];
  if (m?.wireformat !== "mls_private_message") throw new Error("not an MLSMessage(PrivateMessage)");
  return m.privateMessage;
}

function senderLeaf(ac: AuthenticatedContent): number {
  if (ac.content.sender.senderType !== "member") throw new Error("sender is not a member");
  return ac.content.sender.leafIndex;
}

async function check(v: MessageProtection, gc: GroupContext, impl: CiphersuiteImpl): Promise<void> {
  const sigPriv = hex(v.signature_priv);
  const sigPub = hex(v.signature_pub);
  const membershipKey = hex(v.membership_key);
  const senderDataSecret = hex(v.sender_data_secret);
  const proposal = decodeProposal(hex(v.proposal), 0)?.[0];
  const commit = decodeCommit(hex(v.commit), 0)?.[0];
  if (proposal === undefined || commit === undefined) throw new Error("could not decode proposal/commit");
  const unpublic = (m: PublicMessage) => unprotectPublicMessage(membershipKey, gc, [], m, impl, sigPub);
  const newTree = () => createSecretTree(N_LEAVES, hex(v.encryption_secret), impl.kdf);
  const unprivate = async (m: PrivateMessage) =>
    (await unprotectPrivateMessage(senderDataSecret, m, await newTree(), [], gc, defaultKeyRetentionConfig, impl, sigPub)).content;

  // --- PublicMessage: proposal
  const pubProp = await unpublic(publicMessage(v.proposal_pub));
  if (pubProp.content.contentType !== "proposal") throw new Error("proposal_pub is not a proposal");
  expect(toHex(encodeProposal(pubProp.content.proposal))).toBe(v.proposal);
  const reProp = await protectProposalPublic(sigPriv, membershipKey, gc, new Uint8Array(), proposal, senderLeaf(pubProp), impl);
  const rePropOut = await unpublic(reProp.publicMessage);
  if (rePropOut.content.contentType !== "proposal") throw new Error("round trip lost the proposal");
  expect(toHex(encodeProposal(rePropOut.content.proposal))).toBe(v.proposal);

  // --- PublicMessage: commit
  const pubCommit = await unpublic(publicMessage(v.commit_pub));
  if (pubCommit.content.contentType !== "commit") throw new Error("commit_pub is not a commit");
  expect(toHex(encodeCommit(pubCommit.content.commit))).toBe(v.commit);
  const reCommitOut = await unpublic(await protectPublicMessage(membershipKey, gc, pubCommit, impl));
  if (reCommitOut.content.contentType !== "commit") throw new Error("round trip lost the commit");
  expect(toHex(encodeCommit(reCommitOut.content.commit))).toBe(v.commit);

  // --- PrivateMessage: proposal
  const privProp = await unprivate(privateMessage(v.proposal_priv));
  if (privProp.content.contentType !== "proposal") throw new Error("proposal_priv is not a proposal");
  expect(toHex(encodeProposal(privProp.content.proposal))).toBe(v.proposal);
  const sealedProp = await protectProposal(sigPriv, senderDataSecret, proposal, new Uint8Array(), gc, await newTree(), senderLeaf(privProp), defaultPaddingConfig, impl);
  const openedProp = await unprivate(sealedProp.privateMessage);
  if (openedProp.content.contentType !== "proposal") throw new Error("round trip lost the proposal");
  expect(toHex(encodeProposal(openedProp.content.proposal))).toBe(v.proposal);

  // --- PrivateMessage: application data
  const privApp = await unprivate(privateMessage(v.application_priv));
  if (privApp.content.contentType !== "application") throw new Error("application_priv is not application data");
  expect(toHex(privApp.content.applicationData)).toBe(v.application);
  const sealedApp = await protectApplicationData(sigPriv, senderDataSecret, hex(v.application), new Uint8Array(), gc, await newTree(), senderLeaf(privApp), defaultPaddingConfig, impl);
  const openedApp = await unprivate(sealedApp.privateMessage);
  if (openedApp.content.contentType !== "application") throw new Error("round trip lost the application data");
  expect(toHex(openedApp.content.applicationData)).toBe(v.application);

  // --- PrivateMessage: commit (re-protect the vector's signed content under fresh keys)
  const privCommit = await unprivate(privateMessage(v.commit_priv));
  if (privCommit.content.contentType !== "commit" || privCommit.auth.contentType !== "commit") throw new Error("commit_priv is not a commit");
  expect(toHex(encodeCommit(privCommit.content.commit))).toBe(v.commit);
  const sealedCommit = await protect(
    senderDataSecret,
    privCommit.content.authenticatedData,
    gc,
    await newTree(),
    { contentType: "commit", commit: privCommit.content.commit, auth: privCommit.auth },
    senderLeaf(privCommit),
    defaultPaddingConfig,
    impl,
  );
  const openedCommit = await unprivate(sealedCommit.privateMessage);
  if (openedCommit.content.contentType !== "commit") throw new Error("round trip lost the commit");
  expect(toHex(encodeCommit(openedCommit.content.commit))).toBe(v.commit);

  // Application data must never travel as a PublicMessage (RFC 9420 §6.2).
  const asPublic: AuthenticatedContent = { ...privApp, wireformat: "mls_public_message" };
  await expect(protectPublicMessage(membershipKey, gc, asPublic, impl)).rejects.toThrow();
}

describe.skipIf(VECTORS_MISSING).concurrent(FILE, () => {
  test.each(cases.map((v, i) => [i, v] as const))("case %i", async (_i, v) => {
    const gc = groupContextOf(v.cipher_suite, v.group_id, v.epoch, hex(v.tree_hash), v.confirmed_transcript_hash);
    await forEachProvider(tally, v.cipher_suite, ({ impl }) => check(v, gc, impl));
  });
});
