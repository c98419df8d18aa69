/** Size bounds shared by both ends; the relay rejects anything larger before touching it. */
export const Limits = {
  /** socket.io maxHttpBufferSize for the relay: one frame. Fits a commit + GroupInfo + Welcome, base64. */
  relayFrameBytes: 5 * 1024 * 1024,
  /** socket.io maxHttpBufferSize for the local API. */
  localFrameBytes: 256 * 1024,
  keyPackageBytes: 16 * 1024,
  keyPackagesPerUpload: 100,
  keyPackagesStored: 200,
  /** GroupInfo with the ratchet tree grows with the room; 1 MiB is ~1000 members. */
  groupInfoBytes: 1024 * 1024,
  commitBytes: 1024 * 1024,
  welcomeBytes: 1024 * 1024,
  /** 16,000 characters of text can take ~96 KB once JSON-escaped; plus MLS framing and padding. */
  applicationBytes: 160 * 1024,
  textChars: 16_000,
  roomNameChars: 100,
  fetchLimit: 500,
  /**
   * Frame bound before login (socket.io `hello` and `auth` are a few hundred bytes). The relay applies it
   * to each connection until `auth` succeeds, then `relayFrameBytes`.
   */
  relayPreLoginFrameBytes: 4 * 1024,
  handlesPerCommit: 100,
  /** identity.lookup: handles per request (a Welcome's whole tree is checked in a few calls). */
  handlesPerLookup: 200,
  /** Bounds on lists in relay answers, which devices parse like requests (the relay is untrusted). */
  routedHandlesAnswered: 100_000,
  roomsAnswered: 100_000,
  welcomesAnswered: 10_000,
  /** Senders a checkpoint reports on. */
  checkpointSenders: 1000,
  /** Missing chain counters a device remembers per sender (to fill in when they arrive late). */
  missingRemembered: 1000,
  /** Removed handles a room remembers (in its encrypted metadata). */
  removedHandles: 1000,
} as const;
