import { closeSync, openSync, readSync } from 'node:fs';
import { ProxyErrorCode, SealroomError } from '@sealroom/protocol';

/** Where `sealroom proxy` takes its passphrase from: `--passphrase-file PATH`, else `SEALROOM_PASSPHRASE`. */
export type PassphraseSource = {
  file?: string | undefined;
  env?: string | undefined;
};

/** A passphrase is a line of text, not a key file: anything longer is a mistake (the wrong file). */
const MAX_PASSPHRASE_BYTES = 1024;

function readBounded(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(MAX_PASSPHRASE_BYTES + 1);
    let n = 0;
    for (let r = 1; r > 0 && n < buf.length; n += r) r = readSync(fd, buf, n, buf.length - n, null);
    if (n > MAX_PASSPHRASE_BYTES)
      throw new SealroomError(ProxyErrorCode.BadPassphrase, `the passphrase file ${path} is longer than ${MAX_PASSPHRASE_BYTES} bytes`);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * The passphrase, or undefined for none. A file's one trailing newline is not part of it (`echo pw > f`);
 * an empty passphrase is refused rather than silently protecting the directory with "". The file wins over
 * the environment; an empty `SEALROOM_PASSPHRASE` counts as unset.
 */
export function readPassphrase(src: PassphraseSource): string | undefined {
  let p: string;
  if (src.file !== undefined) p = readBounded(src.file).replace(/\r?\n$/, '');
  else if (src.env !== undefined && src.env !== '') p = src.env;
  else return undefined;
  if (p.length === 0) throw new SealroomError(ProxyErrorCode.BadPassphrase, 'the passphrase is empty');
  return p;
}
