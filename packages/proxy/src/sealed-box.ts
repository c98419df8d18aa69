import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { MlsErrorCode, SealroomError } from '@sealroom/protocol';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Per-record encryption inside the (itself encrypted) proxy database: AES-256-GCM (node:crypto), a fresh
 * 96-bit IV per record, and the record's table and key as AAD so a row cannot be moved to another place
 * undetected. Kept under SQLCipher as a second layer that binds records to their rows, and because records
 * written by 0.1 are sealed this way. The key is the data directory's store key (store-key.ts): wrapped by the
 * passphrase, or in `master.key` when there is none (docs/security.md "At rest").
 */
export class SealedBox {
  constructor(private readonly key: Uint8Array) {
    if (key.length !== 32) throw new RangeError('key: expected 32 bytes');
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
