import type { AuthenticationService, Credential } from 'ts-mls';
import { HANDLE_RE } from '@sealroom/protocol';

export type CredentialRejection = { handle: string | null; reason: 'not-basic' | 'bad-handle' };

/**
 * ts-mls accepts every credential by default; this one accepts only a basic credential whose identity is a
 * valid handle (RFC 9420 §5.3.1). It is deliberately stateless: ts-mls calls it leaf by leaf, in the middle
 * of an operation that may still fail, so nothing may be pinned here. Whether a handle's key is the right
 * one (the relay's account binding and the local contact record) is decided by the client once the whole
 * operation has succeeded and before anything is persisted (RFC 9420 §16.4: the application must
 * authenticate every credential) — see packages/client's identity gate.
 */
export function createAuthenticationService(onReject: (r: CredentialRejection) => void = () => {}): AuthenticationService {
  return {
    async validateCredential(credential: Credential): Promise<boolean> {
      if (credential.credentialType !== 'basic') {
        onReject({ handle: null, reason: 'not-basic' });
        return false;
      }
      if (handleFromCredential(credential.identity) === null) {
        onReject({ handle: null, reason: 'bad-handle' });
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
