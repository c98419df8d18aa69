import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePrivateFile } from './private-file.js';
import type { ProxyLog } from './proxy-logger.js';

/** Deleting this file (then restarting the proxy) signs every browser out: docs/security.md, "Local access". */
export const SESSION_KEY_FILE = 'session.key';
const KEY_BYTES = 32;

/**
 * The key that MACs browser session cookies. Kept in the data directory (0600) so that sessions survive a
 * proxy restart; a missing or malformed file is replaced by a fresh key, which revokes every session.
 */
export function loadOrCreateSessionKey(dataDir: string, log: ProxyLog): Buffer {
  const path = join(dataDir, SESSION_KEY_FILE);
  let key: Buffer | null = null;
  try {
    key = readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (key !== null && key.length === KEY_BYTES) {
    chmodSync(path, 0o600); // a copy restored with looser permissions
    return key;
  }
  if (key !== null) log.warn({ file: SESSION_KEY_FILE, outcome: 'replaced' }, 'session key malformed: replaced; browsers must log in again (sealroom open)');
  const fresh = randomBytes(KEY_BYTES);
  writePrivateFile(path, fresh);
  return fresh;
}
