import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { z } from 'zod';
import { ProxyErrorCode, SealroomError } from '@sealroom/protocol';

/** The header beside `proxy.db` when the data directory is protected by a passphrase. */
export const STORE_KEY_FILE = 'store-key.json';

/**
 * scrypt (RFC 7914) with N = 2^17, r = 8, p = 1: 128 MiB of memory and about 0.9–1.0 s on the 2-core
 * development machine (measured 2026-12 under load, docs/security.md "At rest"), once per proxy start. The
 * parameters are stored in the header so they can be raised later without breaking old directories.
 */
export const DEFAULT_KDF = { name: 'scrypt', logN: 17, r: 8, p: 1 } as const;

const SALT_BYTES = 16;
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Binds the wrapped key to this format; the KDF parameters are bound implicitly (other ones derive another key). */
const WRAP_AAD = Buffer.from('sealroom store-key v1', 'utf8');

const b64 = (maxChars: number) => z.string().max(maxChars).regex(/^[A-Za-z0-9+/]*={0,2}$/);

// Bounded so that an edited header cannot make a start take minutes or gigabytes (2^20·8·128 B = 1 GiB).
const KdfSchema = z.strictObject({
  name: z.literal('scrypt'),
  logN: z.number().int().min(14).max(20),
  r: z.number().int().min(1).max(16),
  p: z.number().int().min(1).max(4),
  salt: b64(64),
});
const HeaderSchema = z.strictObject({
  version: z.literal(1),
  kdf: KdfSchema,
  wrappedKey: b64(128),
});
export type StoreKeyHeader = z.infer<typeof HeaderSchema>;
export type KdfParams = Omit<z.infer<typeof KdfSchema>, 'salt'>;

function deriveWrappingKey(passphrase: string, kdf: z.infer<typeof KdfSchema>): Buffer {
  const N = 2 ** kdf.logN;
  // scrypt needs 128·N·r bytes (plus a little); Node's default cap is 32 MiB.
  return scryptSync(passphrase.normalize('NFC'), Buffer.from(kdf.salt, 'base64'), KEY_BYTES, {
    N,
    r: kdf.r,
    p: kdf.p,
    maxmem: 128 * N * kdf.r + 16 * 1024 * 1024,
  });
}

/** Wrap `storeKey` (32 bytes) under a key derived from `passphrase` with a fresh salt: the header's JSON text. */
export function wrapStoreKey(storeKey: Uint8Array, passphrase: string, params: KdfParams = DEFAULT_KDF): string {
  if (storeKey.length !== KEY_BYTES) throw new RangeError('storeKey: expected 32 bytes');
  const kdf = { ...params, salt: randomBytes(SALT_BYTES).toString('base64') };
  const kek = deriveWrappingKey(passphrase, kdf);
  const iv = randomBytes(IV_BYTES);
  const c = createCipheriv('aes-256-gcm', kek, iv);
  c.setAAD(WRAP_AAD);
  const ct = Buffer.concat([c.update(storeKey), c.final()]);
  const header: StoreKeyHeader = { version: 1, kdf, wrappedKey: Buffer.concat([iv, ct, c.getAuthTag()]).toString('base64') };
  return `${JSON.stringify(header, null, 2)}\n`;
}

/** Parse a header's text; a malformed one is ERR_PROXY_BAD_STORE_KEY (never a wrong-passphrase answer). */
export function parseStoreKeyHeader(text: string): StoreKeyHeader {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SealroomError(ProxyErrorCode.BadStoreKey, `${STORE_KEY_FILE} is not JSON`, { cause: e });
  }
  const r = HeaderSchema.safeParse(json);
  if (!r.success) throw new SealroomError(ProxyErrorCode.BadStoreKey, `${STORE_KEY_FILE} is malformed`, { cause: r.error });
  return r.data;
}

/**
 * The store key inside `header`, or ERR_PROXY_BAD_PASSPHRASE. A wrong passphrase and an altered
 * header fail the same GCM check and cannot be told apart; both mean "this passphrase does not open it".
 */
export function unwrapStoreKey(header: StoreKeyHeader, passphrase: string): Buffer {
  const kek = deriveWrappingKey(passphrase, header.kdf);
  const box = Buffer.from(header.wrappedKey, 'base64');
  if (box.length !== IV_BYTES + KEY_BYTES + TAG_BYTES) throw new SealroomError(ProxyErrorCode.BadStoreKey, `${STORE_KEY_FILE}: wrapped key has the wrong length`);
  const d = createDecipheriv('aes-256-gcm', kek, box.subarray(0, IV_BYTES));
  d.setAAD(WRAP_AAD);
  d.setAuthTag(box.subarray(IV_BYTES + KEY_BYTES));
  try {
    return Buffer.concat([d.update(box.subarray(IV_BYTES, IV_BYTES + KEY_BYTES)), d.final()]);
  } catch (e) {
    throw new SealroomError(ProxyErrorCode.BadPassphrase, 'wrong passphrase: it does not unlock this data directory', { cause: e });
  }
}
