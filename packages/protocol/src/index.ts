export { RelayErrorCode, ProxyErrorCode, MlsErrorCode, ClientErrorCode, CliErrorCode, allErrorCodes } from './error-codes.js';
export type { ErrorCode } from './error-codes.js';
export { SealroomError, isSealroomError, missingCaseError } from './sealroom-error.js';
export {
  HANDLE_RE,
  HEX_ID_RE,
  handleSchema,
  roomIdSchema,
  messageIdSchema,
  base64Schema,
  seqSchema,
  epochSchema,
} from './ids.js';
export type { Handle, RoomId, MessageId } from './ids.js';
export { Limits } from './limits.js';
export type { Ack, AckOk, AckErr, AckFn } from './ack.js';
export {
  RELAY_PROTOCOL_VERSION,
  helloRequest,
  authRequest,
  keyPackageUploadRequest,
  keyPackageClaimRequest,
  roomCreateRequest,
  roomRefRequest,
  roomCommitRequest,
  roomSendRequest,
  roomFetchRequest,
  welcomeAckRequest,
  identityLookupRequest,
  identityLookupAnswer,
  accountKeySchema,
  logEntryKind,
  logEntrySchema,
  welcomeSchema,
} from './relay-schemas.js';
export type {
  LogEntry,
  LogEntryKind,
  WelcomeEnvelope,
  HelloRequest,
  AuthRequest,
  KeyPackageUploadRequest,
  KeyPackageClaimRequest,
  RoomCreateRequest,
  RoomRefRequest,
  RoomCommitRequest,
  RoomSendRequest,
  RoomFetchRequest,
  WelcomeAckRequest,
  IdentityLookupRequest,
  AccountKey,
} from './relay-schemas.js';
export { relayClientEventNames, authTranscript, relayOrigin } from './relay-events.js';
export { relayAnswerSchemas, relayErrorAnswer } from './relay-answers.js';
export type { RelayClientEvents, RelayServerEvents, RelayClientEventName, RoomMembership } from './relay-events.js';
export { APP_PAYLOAD_VERSION, appPayloadSchema, chainSchema } from './app-payload.js';
export type { AppPayload, Chain } from './app-payload.js';
export {
  LOCAL_API_VERSION,
  roomNameSchema,
  textSchema,
  onboardRequest,
  createRoomRequest,
  roomRequest,
  inviteRequest,
  removeRequest,
  sendRequest,
  clientIdSchema,
  listMessagesRequest,
  emptyRequest,
  contactRequest,
  verifyRequest,
  listEventsRequest,
  loginLinkAnswer,
  messageStates,
  contactStates,
  securityEventKinds,
  localApiEventNames,
} from './local-api.js';
export type {
  ChatMessage,
  MessageState,
  RoomStatus,
  RoomRecovery,
  RoomSummary,
  Member,
  WhoAmI,
  LocalClientEvents,
  LocalServerEvents,
  CreateRoomRequest,
  RoomRequest,
  InviteRequest,
  SendRequest,
  ListMessagesRequest,
  OnboardRequest,
  Contact,
  ContactState,
  ContactRequest,
  VerifyRequest,
  ListEventsRequest,
  LoginLinkAnswer,
  SafetyNumber,
  Invitation,
  SecurityEvent,
  SecurityEventKind,
} from './local-api.js';
export { toBase64, fromBase64, toHex } from './base64.js';
export { useCspSafeValidation } from './csp-safe-validation.js';
