import { createKeyPackage, type Identity } from '@sealroom/mls';
import { toBase64 } from '@sealroom/protocol';
import type { ClientStore } from './client-store.js';
import { expectOk, type RelayConnection } from './relay-connection.js';

/** Keep at least LOW one-time key packages on the relay (refill to TARGET), plus one last-resort package. */
const LOW = 5;
const TARGET = 10;

export async function replenishKeyPackages(store: ClientStore, relay: RelayConnection, identity: Identity): Promise<number> {
  const count = expectOk(await relay.request('kp.count', {}));
  const wanted = count.available < LOW ? TARGET - count.available : 0;
  const fresh = await Promise.all(Array.from({ length: wanted }, () => createKeyPackage(identity)));
  const lastResort = count.lastResort && (await store.hasLastResortKeyPackage()) ? null : await createKeyPackage(identity);
  if (fresh.length === 0 && !lastResort) return count.available;
  // Private halves are stored before the public halves are published: a Welcome can never arrive for a
  // key package we cannot open.
  await store.putKeyPackages([
    ...fresh.map((k) => ({ ...k, lastResort: false })),
    ...(lastResort ? [{ ...lastResort, lastResort: true }] : []),
  ]);
  const res = expectOk(
    await relay.request('kp.upload', {
      keyPackages: fresh.map((k) => toBase64(k.publicBytes)),
      ...(lastResort ? { lastResort: toBase64(lastResort.publicBytes) } : {}),
    }),
  );
  return res.available;
}
