import { useWhoAmI } from '../hooks/use-whoami.ts';
import { ChatLayout } from './chat-layout.tsx';
import { ErrorText } from './error-text.tsx';
import { Onboarding } from './onboarding.tsx';
import { StatusScreen } from './status-screen.tsx';

/** Connected to the proxy: who are we? Onboard if nobody yet, else the chat. */
export function SessionView({ session, proxyConnected }: { session: number; proxyConnected: boolean }) {
  const { me, error, loading, setMe, retry } = useWhoAmI(session);

  if (me === null) {
    if (loading) return <StatusScreen title="Loading…" testId="loading" />;
    return (
      <StatusScreen title="Could not load your identity" testId="whoami-error">
        <ErrorText error={error} />
        <button type="button" className="button button--primary" onClick={retry}>
          Try again
        </button>
      </StatusScreen>
    );
  }
  if (me.handle === null) return <Onboarding me={me} onDone={setMe} />;
  return <ChatLayout me={me} session={session} proxyConnected={proxyConnected} />;
}
