import type { Handle } from '@sealroom/protocol';
import { KeyedBuckets } from './keyed-buckets.js';
import type { RelayLimits } from './relay-limits.js';

/**
 * Relay-wide counters behind the per-address and per-account limits: live connections per address (all,
 * and not yet logged in), authenticated connections per account (oldest first), and the token buckets for
 * new connections, new accounts and key-package claims. In memory, so they reset with the relay; a restart
 * is not something a client can cause.
 */
export class Admission {
  readonly #connections = new Map<string, number>();
  readonly #preLogin = new Map<string, number>();
  readonly #accounts = new Map<Handle, Set<string>>();
  readonly connects: KeyedBuckets;
  readonly newAccounts: KeyedBuckets;
  readonly claimers: KeyedBuckets;
  readonly oneTimeClaims: KeyedBuckets;
  /** Answer bytes (room.fetch, welcome.list) per account per second: readers are slowed, not refused. */
  readonly answerBytes: KeyedBuckets;

  constructor(readonly limits: RelayLimits) {
    this.connects = new KeyedBuckets(limits.connectsPerIpPerSecond, limits.connectBurstPerIp);
    this.newAccounts = new KeyedBuckets(limits.accountsPerIpPerHour / 3600, limits.accountBurstPerIp);
    this.claimers = new KeyedBuckets(limits.claimsPerMinute / 60, limits.claimBurst);
    this.oneTimeClaims = new KeyedBuckets(limits.oneTimeClaimsPerTargetPerHour / 3600, limits.oneTimeClaimBurstPerTarget);
    this.answerBytes = new KeyedBuckets(limits.answerBytesPerSecond, limits.answerBytesPerSecond);
  }

  /** A new connection from `address`: false (and nothing counted) if the address holds too many already. */
  open(address: string): 'ok' | 'too-many' | 'too-many-pre-login' {
    if ((this.#connections.get(address) ?? 0) >= this.limits.connectionsPerIp) return 'too-many';
    if ((this.#preLogin.get(address) ?? 0) >= this.limits.preLoginConnectionsPerIp) return 'too-many-pre-login';
    bump(this.#connections, address, 1);
    bump(this.#preLogin, address, 1);
    return 'ok';
  }

  /**
   * The connection logged in as `handle`. Returns the socket ids of this account's connections beyond
   * `connectionsPerAccount`, oldest first, for the caller to close.
   */
  loggedIn(address: string, handle: Handle, socketId: string): string[] {
    bump(this.#preLogin, address, -1);
    let ids = this.#accounts.get(handle);
    if (ids === undefined) this.#accounts.set(handle, (ids = new Set()));
    ids.add(socketId);
    const excess = ids.size - this.limits.connectionsPerAccount;
    return excess > 0 ? [...ids].slice(0, excess) : [];
  }

  /** The connection closed; `handle` is null if it never logged in. */
  closed(address: string, handle: Handle | null, socketId: string): void {
    bump(this.#connections, address, -1);
    if (handle === null) {
      bump(this.#preLogin, address, -1);
      return;
    }
    const ids = this.#accounts.get(handle);
    ids?.delete(socketId);
    if (ids?.size === 0) this.#accounts.delete(handle);
  }

  /** For tests and logs: live connections of an address. */
  connectionsOf(address: string): { all: number; preLogin: number } {
    return { all: this.#connections.get(address) ?? 0, preLogin: this.#preLogin.get(address) ?? 0 };
  }
}

function bump<K>(map: Map<K, number>, key: K, by: number): void {
  const n = (map.get(key) ?? 0) + by;
  if (n <= 0) map.delete(key);
  else map.set(key, n);
}
