export { DEFAULT_SUITE, getSuite, setCryptoProvider } from './suite.js';
export { nodeCryptoProvider, isNodeAcceleratedCiphersuite } from './node-crypto-provider.js';
export {
  generateIdentity,
  signWithIdentity,
  verifyWithIdentityKey,
  fingerprint,
  encodeIdentity,
  decodeIdentity,
} from './identity.js';
export type { Identity } from './identity.js';
export { createAuthenticationService, handleFromCredential } from './authentication-service.js';
export type { CredentialRejection } from './authentication-service.js';
export { makeClientConfig } from './client-config.js';
export type { MlsConfig } from './client-config.js';
export { createKeyPackage, keyPackageRef, keyPackageIdentity, welcomeRecipients, credentialFor } from './key-package.js';
export { safetyNumber, safetyNumberGroups } from './safety-number.js';
export type { SafetyParty } from './safety-number.js';
export type { OwnKeyPackage } from './key-package.js';
export {
  createGroup,
  joinFromWelcome,
  epochOf,
  groupIdOf,
  epochAuthenticatorOf,
  ownLeafIndex,
  isActive,
  membersOf,
  memberAt,
  encodeGroup,
  decodeGroup,
  proposedRemovals,
  hasPendingProposals,
} from './group.js';
export type { Group, MemberInfo } from './group.js';
export { commitChanges, commitUpdate, groupInfoOf, joinExternal, proposeSelfRemove } from './commit.js';
export type { CommitOutput } from './commit.js';
export { encryptApplication, processIncoming, peekContentType } from './messages.js';
export type { Incoming, FramedContentType } from './messages.js';
export { WELCOME_INFO_EXTENSION } from './welcome-info.js';
export {
  inspectExternalCommit,
  inspectFraming,
  inspectGroupInfo,
  inspectWelcome,
  leafHandles,
  type ExternalCommitInfo,
  type FramingInfo,
  type GroupInfoHeader,
  type InspectedProposal,
} from './commit-inspection.js';
