import { StatusScreen } from './status-screen.tsx';

export function ConnectingScreen({ unreachable }: { unreachable: boolean }) {
  return (
    <StatusScreen title={unreachable ? 'Local proxy unreachable' : 'Connecting…'} testId="connecting">
      {unreachable ? (
        <>
          <p>The Sealroom proxy on this computer is not answering. Retrying…</p>
          <p className="muted">Is it still running? If you restarted it, open the new URL it printed.</p>
        </>
      ) : (
        <p className="muted">Connecting to the local proxy.</p>
      )}
    </StatusScreen>
  );
}
