import { Limits } from '@sealroom/protocol';

const MiB = 1024 * 1024;

/**
 * Every resource bound of the relay, so that one account (or one address) cannot exhaust it. Defaults suit
 * a small public relay; operators tune them with `RelayOptions.limits` or `sealroom server --limit NAME=N`.
 * docs/protocol.md "Limits" explains each one.
 */
export type RelayLimits = {
  /** Events per second per socket, sustained. */
  eventsPerSecond: number;
  /** Events per socket that may arrive at once. */
  eventBurst: number;
  /** A socket that has not authenticated by then is disconnected. */
  authTimeoutMs: number;
  /** Largest frame before `auth` succeeds (after it: `Limits.relayFrameBytes`). */
  preLoginFrameBytes: number;
  /** Unauthenticated connections one address may hold at once; more are closed on arrival. */
  preLoginConnectionsPerIp: number;
  /** Connections (authenticated or not) one address may hold at once. */
  connectionsPerIp: number;
  /** New connections per address per second, sustained (refused at the HTTP upgrade). */
  connectsPerIpPerSecond: number;
  connectBurstPerIp: number;
  /** Authenticated connections per account; a newer login closes the oldest. */
  connectionsPerAccount: number;
  /** New accounts one address may register per hour, sustained, and at once. */
  accountsPerIpPerHour: number;
  accountBurstPerIp: number;
  /** Size of one `room.fetch` or `welcome.list` answer (base64 payload plus framing); at least one item is sent. */
  answerBytes: number;
  /**
   * Answer bytes per account per second, sustained (one second's worth at once). A reader over it waits
   * (its next answer is delayed), so catch-up slows down but never fails; a wait past `maxAnswerWaitMs`
   * is answered ERR_RELAY_RATE_LIMITED instead.
   */
  answerBytesPerSecond: number;
  maxAnswerWaitMs: number;
  /** Bytes queued for one connection (socket.io has no backpressure); past it the connection is closed. */
  sendBufferBytes: number;
  /** Rooms one account may create, ever (rooms are never deleted). */
  roomsPerAccount: number;
  /** Log bytes (messages, commits, Welcomes) one account may store, ever (the log has no retention yet). */
  logBytesPerAccount: number;
  /** Pending Welcomes one handle may have; a commit adding it beyond that is refused. */
  pendingWelcomesPerHandle: number;
  /** `kp.claim` per claiming account: per minute, sustained, and at once. */
  claimsPerMinute: number;
  claimBurst: number;
  /**
   * One-time key packages handed out per target handle: per hour, sustained, and at once. Past that, claims
   * get the target's last-resort package (reusable, never drained), so invitations keep working.
   */
  oneTimeClaimsPerTargetPerHour: number;
  oneTimeClaimBurstPerTarget: number;
};

/** Kept for callers of 0.1, where `limits` held only the per-socket rate limit and the auth deadline. */
export type ConnectionLimits = RelayLimits;

export const defaultRelayLimits: RelayLimits = {
  eventsPerSecond: 200,
  eventBurst: 400,
  authTimeoutMs: 30_000,
  preLoginFrameBytes: Limits.relayPreLoginFrameBytes,
  preLoginConnectionsPerIp: 8,
  connectionsPerIp: 64,
  connectsPerIpPerSecond: 10,
  connectBurstPerIp: 60,
  connectionsPerAccount: 4,
  accountsPerIpPerHour: 20,
  accountBurstPerIp: 20,
  answerBytes: 2 * MiB,
  answerBytesPerSecond: 8 * MiB,
  maxAnswerWaitMs: 5_000,
  sendBufferBytes: 8 * MiB,
  roomsPerAccount: 256,
  logBytesPerAccount: 512 * MiB,
  pendingWelcomesPerHandle: 100,
  claimsPerMinute: 30,
  claimBurst: 30,
  oneTimeClaimsPerTargetPerHour: 20,
  oneTimeClaimBurstPerTarget: 10,
};

/**
 * Handles nobody may register: they would pass for the relay, its operator or the project. An entry ending
 * in `*` reserves a prefix. Compared after dropping `.`, `_` and `-`, so `ad.min` and `sec-urity` are taken too.
 */
export const defaultReservedHandles: readonly string[] = [
  'admin*',
  'administrator',
  'root',
  'superuser',
  'security',
  'support',
  'help',
  'helpdesk',
  'system',
  'sysadmin',
  'sealroom*',
  'official',
  'staff',
  'moderator',
  'operator',
  'relay',
  'server',
  'abuse',
  'postmaster',
  'hostmaster',
  'webmaster',
  'noreply',
  'everyone',
  'all',
  'null',
  'undefined',
];

const fold = (s: string): string => s.toLowerCase().replace(/[._-]/g, '');

/** A compiled reserved list: `test(handle)` is true for a handle the list reserves. */
export function reservedHandleMatcher(list: readonly string[]): (handle: string) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const entry of list) {
    if (entry.endsWith('*')) prefixes.push(fold(entry.slice(0, -1)));
    else exact.add(fold(entry));
  }
  return (handle) => {
    const f = fold(handle);
    return exact.has(f) || prefixes.some((p) => f.startsWith(p));
  };
}

/** Checks a merged limit set: every bound a positive number (an operator's typo must not disable one). */
export function checkLimits(limits: RelayLimits): RelayLimits {
  for (const [name, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || !(value > 0)) throw new RangeError(`limits.${name}: a positive number, not ${String(value)}`);
  }
  if (limits.preLoginFrameBytes > Limits.relayFrameBytes) {
    throw new RangeError(`limits.preLoginFrameBytes: at most relayFrameBytes (${Limits.relayFrameBytes})`);
  }
  return limits;
}

/**
 * `NAME=VALUE` strings (the CLI's `--limit`) to a partial limit set. Values are integers, optionally with a
 * KiB/MiB/GiB suffix (`--limit answerBytes=4MiB`). Throws RangeError naming a bad entry.
 */
export function parseLimitOverrides(entries: readonly string[]): Partial<RelayLimits> {
  const out: Partial<Record<keyof RelayLimits, number>> = {};
  for (const entry of entries) {
    const m = /^([A-Za-z]+)=(\d+)(KiB|MiB|GiB)?$/.exec(entry);
    const name = m?.[1];
    if (m === null || name === undefined || !Object.hasOwn(defaultRelayLimits, name)) {
      throw new RangeError(`--limit ${entry}: expected NAME=NUMBER with NAME one of ${Object.keys(defaultRelayLimits).join(', ')}`);
    }
    const unit = m[3] === 'KiB' ? 1024 : m[3] === 'MiB' ? MiB : m[3] === 'GiB' ? 1024 * MiB : 1;
    out[name as keyof RelayLimits] = Number(m[2]) * unit;
  }
  return out;
}
