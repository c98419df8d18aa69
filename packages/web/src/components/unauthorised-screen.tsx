import { StatusScreen } from './status-screen.tsx';

export function UnauthorisedScreen({ reason }: { reason: string }) {
  return (
    <StatusScreen title="Not authorised" testId="unauthorised">
      <p>This page could not connect to your local Sealroom proxy.</p>
      <p>
        <strong>Open the URL the proxy printed</strong> when it started (it looks like{' '}
        <code>http://127.0.0.1:PORT/#token=…</code>). The token in it is what lets this page talk to the proxy.
      </p>
      <p className="muted">
        Reason: <code>{reason}</code>
      </p>
    </StatusScreen>
  );
}
