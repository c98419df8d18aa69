import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MlsErrorCode, SealroomError } from '@sealroom/protocol';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encryption at rest for the proxy's database: AES-256-GCM (node:crypto), a fresh 96-bit IV per record,
 * and the record's table and key as AAD so a row cannot be moved to another place undetected.
 * The key lives in `master.key` (mode 0600) beside the database: a copied or backed-up database alone
 * reveals nothing. Protecting against theft of the whole data directory needs a passphrase or the OS
 * keychain (docs/security.md).
 */
export class SealedBox {
  constructor(private readonly key: Uint8Array) {
    if (key.length !== 32) throw new RangeError('key: expected 32 bytes');
  }

  static openOrCreate(dataDir: string): SealedBox {
    const p = join(dataDir, 'master.key');
    if (!existsSync(p)) writeFileSync(p, randomBytes(32), { mode: 0o600, flag: 'wx' });
    chmodSync(p, 0o600);
    return new SealedBox(readFileSync(p));
  }

  seal(plain: Uint8Array, aad: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    c.setAAD(Buffer.from(aad, 'utf8'));
    const ct = Buffer.concat([c.update(plain), c.final()]);
    return Buffer.concat([Buffer.of(VERSION), iv, ct, c.getAuthTag()]);
  }

  open(box: Uint8Array, aad: string): Buffer {
    const b = Buffer.from(box);
    if (b.length < 1 + IV_BYTES + TAG_BYTES || b[0] !== VERSION) throw new SealroomError(MlsErrorCode.BadState, 'corrupt record');
    const iv = b.subarray(1, 1 + IV_BYTES);
    const tag = b.subarray(b.length - TAG_BYTES);
    const d = createDecipheriv('aes-256-gcm', this.key, iv);
    d.setAAD(Buffer.from(aad, 'utf8'));
    d.setAuthTag(tag);
    try {
      return Buffer.concat([d.update(b.subarray(1 + IV_BYTES, b.length - TAG_BYTES)), d.final()]);
    } catch (e) {
      throw new SealroomError(MlsErrorCode.BadState, 'record failed authentication', { cause: e });
    }
  }

  sealJson(v: unknown, aad: string): Buffer {
    return this.seal(Buffer.from(JSON.stringify(v), 'utf8'), aad);
  }
  openJson<T>(box: Uint8Array, aad: string): T {
    return JSON.parse(this.open(box, aad).toString('utf8')) as T;
  }
}
