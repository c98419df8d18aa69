import type { AuthenticationService, Credential } from 'ts-mls';
import { HANDLE_RE } from '@sealroom/protocol';
import type { KeyDirectory } from './key-directory.js';

export type CredentialRejection = { handle: string | null; reason: 'not-basic' | 'bad-handle' | 'key-mismatch' };

/**
 * ts-mls accepts every credential by default; this one accepts a basic credential only if its identity is
 * a valid handle whose pinned identity key is the leaf's signature key (RFC 9420 §5.3.1, §16.4). Every
 * rejection is reported to `onReject`, so a changed key is never accepted silently and never ignored.
 */
export function createAuthenticationService(
  directory: KeyDirectory,
  onReject: (r: CredentialRejection) => void = () => {},
): AuthenticationService {
  return {
    async validateCredential(credential: Credential, signaturePublicKey: Uint8Array): Promise<boolean> {
      if (credential.credentialType !== 'basic') {
        onReject({ handle: null, reason: 'not-basic' });
        return false;
      }
      const handle = handleFromCredential(credential.identity);
      if (handle === null) {
        onReject({ handle: null, reason: 'bad-handle' });
        return false;
      }
      const r = await directory.checkAndPin(handle, signaturePublicKey);
      if (r === 'mismatch') {
        onReject({ handle, reason: 'key-mismatch' });
        return false;
      }
      return true;
    },
  };
}

export function handleFromCredential(identity: Uint8Array): string | null {
  let s: string;
  try {
    s = new TextDecoder('utf-8', { fatal: true }).decode(identity);
  } catch {
    return null;
  }
  return HANDLE_RE.test(s) ? s : null;
}
