import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

/**
 * The data directory holds secrets (the CLI credential, the session key): 0700 whether or not it existed
 * before — `mkdir` with a mode does nothing to a directory that is already there (e.g. made 0755 by hand).
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/**
 * Write `data` to `path` so that no other user can read it at any moment: a fresh temp file created 0600
 * (`wx`: never an existing file, never through a planted symlink), synced, then renamed over `path`.
 * A reader sees the old file or the new one, never a half-written one.
 */
export function writePrivateFile(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
}
