import type { Contact } from '@sealroom/protocol';
import { useApi } from '../api/api-context.ts';
import { useAction } from '../hooks/use-action.ts';
import { useTrust } from '../hooks/trust-context.ts';
import { useSafetyNumber } from '../hooks/use-safety-number.ts';
import { formatDateTime, shortFingerprint } from '../lib/format.ts';
import { asHandle } from '../lib/ids.ts';
import { safetyGroups } from '../lib/trust.ts';
import type { TrustState } from '../lib/trust.ts';
import { ErrorText } from './error-text.tsx';
import { QrCode } from './qr-code.tsx';
import { TrustBadge } from './trust-badge.tsx';

type Props = { handle: string; contact: Contact | undefined; session: number; onClose: () => void };

const stateText: Record<TrustState, string> = {
  new: 'Not verified. You have not compared safety numbers with this contact yet.',
  verified: 'Verified. You compared safety numbers; this stays so until their key changes.',
  changed: 'Key changed. A new key was offered for this handle and is held until you accept it.',
  self: 'This is you.',
};

/** Compare the safety number with a contact (read aloud, or scan the QR code), then mark it verified. */
export function VerificationView({ handle, contact, session, onClose }: Props) {
  const api = useApi();
  const { noteContact } = useTrust();
  // Reload the number whenever the contact's key or state changes (a stale number must never be confirmed).
  const version = contact === undefined ? '' : `${contact.state}:${contact.fingerprint}:${contact.pendingFingerprint ?? ''}`;
  const { safety, error } = useSafetyNumber(handle, version, session);
  const verify = useAction();
  const trust = useAction();
  const state: TrustState = contact?.state ?? safety?.state ?? 'new';
  const groups = safety === null ? null : safetyGroups(safety.digits);

  const onVerify = async () => {
    if (safety === null || groups === null) return;
    const r = await verify.run(() => api.call('contacts.verify', { handle: asHandle(handle), digits: safety.digits }));
    if (r.ok) noteContact(r.value.contact);
  };
  const onTrust = async () => {
    const r = await trust.run(() => api.call('contacts.trust', { handle: asHandle(handle) }));
    if (r.ok) noteContact(r.value.contact);
  };

  return (
    <section className="page verification" data-testid="verification-view" data-handle={handle} data-state={state} aria-label={`Verify ${handle}`}>
      <header className="page__header">
        <button type="button" className="button button--ghost" onClick={onClose} data-testid="verification-close">
          ← Back
        </button>
        <h2 className="page__title">
          Safety number with <span data-testid="verification-handle">{handle}</span>
        </h2>
        <TrustBadge state={state} handle={handle} />
      </header>
      <div className="page__body">
        {state === 'changed' ? (
          <div className="key-changed-warning" role="alert" data-testid="key-changed-warning">
            <p>
              <strong>{handle}’s key has changed.</strong> Messages to rooms with {handle} are blocked until you decide.
            </p>
            <p>
              This happens when {handle} reinstalled Sealroom or moved to a new device — or when someone is trying to
              impersonate them. Ask {handle} through another channel (in person, a call) before accepting.
            </p>
            {contact !== undefined ? (
              <p className="muted">
                Accepted key <span className="fingerprint">{shortFingerprint(contact.fingerprint)}</span>, new key{' '}
                <span className="fingerprint">{shortFingerprint(contact.pendingFingerprint)}</span>
              </p>
            ) : null}
            <button type="button" className="button button--danger" data-testid="trust-submit" onClick={() => void onTrust()} disabled={trust.pending}>
              {trust.pending ? 'Accepting…' : 'Accept new key'}
            </button>
            <ErrorText error={trust.error} />
          </div>
        ) : null}

        <p className="verification__state" data-testid="verification-state">
          {stateText[state]}
          {state === 'verified' && contact?.verifiedAt != null ? <span className="muted"> (on {formatDateTime(contact.verifiedAt)})</span> : null}
        </p>

        <ErrorText error={error} />
        {safety === null && error === null ? <p className="muted">Loading the safety number…</p> : null}
        {safety !== null && groups === null ? <p className="hint hint--problem">The proxy sent a malformed safety number.</p> : null}
        {safety !== null && groups !== null ? (
          <div className="verification__compare">
            <div>
              <ol className="safety-number" data-testid="safety-number" data-digits={safety.digits} aria-label="Safety number">
                {groups.map((g, i) => (
                  <li key={i} className="safety-number__group" data-testid="safety-group">
                    {g}
                  </li>
                ))}
              </ol>
              <p className="hint">
                Compare these 60 digits with the ones {handle} sees for you. They are the same on both devices when
                nobody is in between.
              </p>
            </div>
            <div className="verification__qr">
              <QrCode value={safety.qr} label={`QR code of the safety number with ${handle}`} />
              <p className="hint">Or scan this code with {handle}’s device.</p>
            </div>
          </div>
        ) : null}

        {state !== 'changed' ? (
          <div className="form__actions">
            <button
              type="button"
              className="button button--primary"
              data-testid="verify-submit"
              onClick={() => void onVerify()}
              disabled={verify.pending || groups === null || state === 'verified'}
            >
              {state === 'verified' ? 'Verified ✓' : verify.pending ? 'Marking…' : 'Mark as verified'}
            </button>
          </div>
        ) : null}
        <ErrorText error={verify.error} />
      </div>
    </section>
  );
}
