import { getCiphersuiteFromName, type CiphersuiteImpl, type CiphersuiteName, type CryptoProvider } from 'ts-mls';
import { nodeCryptoProvider } from './node-crypto-provider.js';

/** RFC 9420 §17.1: MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, the default for every room. */
export const DEFAULT_SUITE: CiphersuiteName = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519';

// Node's synchronous crypto: 3–8× faster than ts-mls's stock WebCrypto provider, and checked against the
// same official vectors and Wycheproof in packages/mls/test (docs/architecture.md).
let provider: CryptoProvider = nodeCryptoProvider;
const cache = new Map<CiphersuiteName, Promise<CiphersuiteImpl>>();

/** Swap the crypto provider (e.g. the Node-crypto one) before the first MLS operation. */
export function setCryptoProvider(p: CryptoProvider): void {
  provider = p;
  cache.clear();
}

export function getSuite(name: CiphersuiteName = DEFAULT_SUITE): Promise<CiphersuiteImpl> {
  let s = cache.get(name);
  if (!s) {
    s = provider.getCiphersuiteImpl(getCiphersuiteFromName(name));
    cache.set(name, s);
  }
  return s;
}
