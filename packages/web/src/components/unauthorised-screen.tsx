import type { LoginFailure } from '../lib/login.ts';
import { StatusScreen } from './status-screen.tsx';

export function UnauthorisedScreen({ reason, loginFailure }: { reason: string; loginFailure: LoginFailure | null }) {
  return (
    <StatusScreen title="Not signed in" testId="unauthorised">
      <p>This page could not connect to your local Sealroom proxy.</p>
      {loginFailure !== null && (
        <p data-testid="login-failure">
          The login link did not work: {loginFailure.message} (<code>{loginFailure.code}</code>)
        </p>
      )}
      <p>
        <strong>Open a login link</strong>: <code>sealroom proxy</code> prints one when it starts, and{' '}
        <code>sealroom open</code> (add <code>--proxy DIR</code> for a data directory other than the default) prints a
        fresh one. Each link works once, for 5 minutes; after that this browser stays signed in, across proxy restarts.
      </p>
      <p className="muted">
        Reason: <code>{reason}</code>
      </p>
    </StatusScreen>
  );
}
