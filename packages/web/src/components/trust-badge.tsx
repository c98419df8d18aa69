import type { TrustState } from '../lib/trust.ts';

/** Verified: a check; changed: a warning marker; new and self: nothing (the default needs no noise). */
export function TrustBadge({ state, handle }: { state: TrustState; handle: string }) {
  if (state === 'verified') {
    return (
      <span className="badge badge--verified" data-testid="badge-verified" data-handle={handle} title={`You verified ${handle}’s safety number`}>
        ✓ verified
      </span>
    );
  }
  if (state === 'changed') {
    return (
      <span className="badge badge--changed" data-testid="badge-changed" data-handle={handle} title={`${handle}’s key changed and is not accepted yet`}>
        ⚠ key changed
      </span>
    );
  }
  return null;
}
