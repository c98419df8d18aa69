import { hkdfSync, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ProxyErrorCode, SealroomError } from '@sealroom/protocol';
import { parseStoreKeyHeader, STORE_KEY_FILE, unwrapStoreKey, wrapStoreKey, type KdfParams } from './store-key-file.js';

/** The store key in the clear, used only when the data directory has no passphrase. */
export const PLAIN_KEY_FILE = 'master.key';
const KEY_BYTES = 32;

export type StoreKeyOptions = {
  /** Protect (or unlock) the directory with this passphrase. */
  passphrase?: string | undefined;
  /** Whether the directory already holds a database: then a missing key is an error, not a new identity. */
  databaseExists: boolean;
  /** scrypt cost for a newly written header (tests may lower it); default DEFAULT_KDF. */
  kdf?: KdfParams | undefined;
};

/** Write `data` to `path` (0600) through a temp file and a rename, so a crash leaves the old file or the new one. */
function writeFileAtomic(path: string, data: string | Uint8Array): void {
  // `wx` on a fresh name: never an existing file or a planted symlink.
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

function readPlainKey(path: string): Buffer {
  const k = readFileSync(path);
  if (k.length !== KEY_BYTES) throw new SealroomError(ProxyErrorCode.BadStoreKey, `${PLAIN_KEY_FILE} is not a ${KEY_BYTES}-byte key`);
  return k;
}

/**
 * The data directory's 256-bit store key, from which the database key and the record key are derived.
 *
 * - `store-key.json` present: the key is wrapped by the passphrase (scrypt + AES-256-GCM). No passphrase
 *   → ERR_PROXY_PASSPHRASE_REQUIRED; a wrong one → ERR_PROXY_BAD_PASSPHRASE. Both fail before any file
 *   is written.
 * - No header and a passphrase: the directory becomes protected. An existing `master.key` is wrapped
 *   (so existing data stays readable) and then deleted; else a fresh key is made.
 * - No header, no passphrase: `master.key` beside the database, as in 0.1 (protects against nothing but
 *   casual reads of the database file).
 */
export function unlockStoreKey(dataDir: string, opts: StoreKeyOptions): Buffer {
  const headerPath = join(dataDir, STORE_KEY_FILE);
  const plainPath = join(dataDir, PLAIN_KEY_FILE);
  if (existsSync(headerPath)) {
    const header = parseStoreKeyHeader(readFileSync(headerPath, 'utf8'));
    if (opts.passphrase === undefined)
      throw new SealroomError(ProxyErrorCode.PassphraseRequired, `this data directory is protected by a passphrase: pass --passphrase-file or set SEALROOM_PASSPHRASE`);
    const key = unwrapStoreKey(header, opts.passphrase);
    // A clear key beside the header is left over from an interrupted upgrade and would defeat the passphrase.
    if (existsSync(plainPath)) unlinkSync(plainPath);
    return key;
  }
  if (opts.passphrase !== undefined) {
    if (opts.passphrase.length === 0) throw new SealroomError(ProxyErrorCode.BadPassphrase, 'the passphrase is empty');
    let key: Buffer;
    if (existsSync(plainPath)) key = readPlainKey(plainPath);
    else if (opts.databaseExists) throw new SealroomError(ProxyErrorCode.BadStoreKey, `proxy.db exists but neither ${PLAIN_KEY_FILE} nor ${STORE_KEY_FILE} does`);
    else key = randomBytes(KEY_BYTES);
    // Header first, then delete the clear key: a crash in between leaves both, which the branch above repairs.
    writeFileAtomic(headerPath, wrapStoreKey(key, opts.passphrase, opts.kdf));
    if (existsSync(plainPath)) unlinkSync(plainPath);
    return key;
  }
  if (existsSync(plainPath)) return readPlainKey(plainPath);
  if (opts.databaseExists) throw new SealroomError(ProxyErrorCode.BadStoreKey, `proxy.db exists but ${PLAIN_KEY_FILE} does not`);
  const key = randomBytes(KEY_BYTES);
  writeFileAtomic(plainPath, key);
  return key;
}

/**
 * The SQLCipher page key, derived from the store key (RFC 5869 HKDF-SHA256) so that it differs from the
 * record-sealing key: the store key itself seals records, as in 0.1, so old records still open.
 */
export function databaseKey(storeKey: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', storeKey, Buffer.alloc(0), 'sealroom proxy.db sqlcipher v1', KEY_BYTES));
}
