import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writePrivateFile } from './private-file.js';

/**
 * How a local client (the CLI) finds and authenticates to a running proxy without a secret in its argv:
 * the proxy writes its address and a CLI credential to this file (0600) in its data directory.
 */
export const ACCESS_FILE = 'proxy-access.json';
const MAX_ACCESS_FILE_BYTES = 4096;

export const proxyAccessSchema = z
  .object({
    version: z.literal(1),
    /** Always a loopback origin: a file that names another host is refused, the credential is never sent off-machine. */
    url: z.string().regex(/^http:\/\/127\.0\.0\.1:\d{1,5}$/, 'url: http://127.0.0.1:PORT'),
    /** 256 random bits, new at every start of the proxy (a leaked one dies with the run). */
    credential: z.string().regex(/^[0-9a-f]{64}$/, 'credential: 64 hex digits'),
    pid: z.number().int().min(1).max(2 ** 31),
  })
  .strict();
export type ProxyAccess = z.infer<typeof proxyAccessSchema>;

export function writeAccessFile(dataDir: string, access: ProxyAccess): void {
  writePrivateFile(join(dataDir, ACCESS_FILE), `${JSON.stringify(access)}\n`);
}

/** On a clean stop; only if the file is still ours (a newer proxy on this directory may have replaced it). */
export function removeAccessFile(dataDir: string, credential: string): void {
  const path = join(dataDir, ACCESS_FILE);
  try {
    const cur = proxyAccessSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (cur.success && cur.data.credential === credential) rmSync(path, { force: true });
  } catch {
    // Already gone or unreadable: nothing of ours to remove.
  }
}

export type AccessLookup =
  | { ok: true; access: ProxyAccess; path: string }
  | { ok: false; path: string; why: 'missing' | 'unreadable' | 'malformed' | 'not-private' };

function failure(e: unknown): 'missing' | 'unreadable' {
  return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
}

/** `target`: a proxy's data directory, or its access file itself. */
export function readAccessFile(target: string): AccessLookup {
  let path = target;
  try {
    if (statSync(target).isDirectory()) path = join(target, ACCESS_FILE);
  } catch (e) {
    return { ok: false, path: target, why: failure(e) };
  }
  let raw: string;
  try {
    const st = statSync(path);
    if (st.size > MAX_ACCESS_FILE_BYTES) return { ok: false, path, why: 'malformed' };
    // Like ssh with its keys: a file someone else owns or may write could name their own fake "proxy" on
    // another port, which would then see every message the user sends through the CLI.
    const uid = process.getuid?.();
    if ((uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0) return { ok: false, path, why: 'not-private' };
    raw = readFileSync(path, 'utf8');
  } catch (e) {
    return { ok: false, path, why: failure(e) };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, path, why: 'malformed' };
  }
  const parsed = proxyAccessSchema.safeParse(json);
  return parsed.success ? { ok: true, access: parsed.data, path } : { ok: false, path, why: 'malformed' };
}
