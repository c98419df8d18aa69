import { StatusScreen } from './status-screen.tsx';

export function ClosedScreen({ onReconnect }: { onReconnect: () => void }) {
  return (
    <StatusScreen title="Disconnected" testId="closed">
      <p>The local proxy closed this connection (perhaps the app was opened in another tab).</p>
      <button type="button" className="button button--primary" onClick={onReconnect}>
        Reconnect
      </button>
    </StatusScreen>
  );
}
