import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';

/**
 * The address the per-address limits count against. IPv4 as is (also when mapped into IPv6); IPv6 by its
 * /64, the block one subscriber usually gets, so rotating through a prefix does not buy fresh limits.
 */
export function addressKey(address: string): string {
  const a = address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
  if (!isIPv6(a)) return a;
  const [head = '', tail = ''] = a.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = a.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/**
 * The client's address for a request: the TCP peer, or, when the operator names the header its reverse
 * proxy sets (`clientIpHeader`, e.g. x-forwarded-for), the last address in it — the one that proxy added;
 * earlier entries are whatever the client wrote.
 */
export function clientAddress(req: IncomingMessage, clientIpHeader: string | undefined): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (clientIpHeader === undefined) return addressKey(peer);
  const raw = req.headers[clientIpHeader.toLowerCase()];
  const value = Array.isArray(raw) ? raw.join(',') : raw;
  const last = value
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .at(-1);
  return addressKey(last ?? peer);
}
