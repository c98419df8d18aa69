import { useCallback, useEffect, useState } from 'react';
import type { WhoAmI } from '@sealroom/protocol';
import { useApi } from '../api/api-context.ts';

export type WhoAmIState = { me: WhoAmI | null; error: unknown; loading: boolean };

/** Own identity and relay status; reloaded on every (re)connection to the proxy, kept live by `status` pushes. */
export function useWhoAmI(session: number) {
  const api = useApi();
  const [state, setState] = useState<WhoAmIState>({ me: null, error: null, loading: true });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    setState((s) => ({ ...s, loading: true, error: null }));
    const off = api.on('status', ({ connected }) => {
      setState((s) => (s.me === null ? s : { ...s, me: { ...s.me, connected } }));
    });
    api.call('whoami', {}).then(
      ({ me }) => !cancelled && setState({ me, error: null, loading: false }),
      (error: unknown) => !cancelled && setState((s) => ({ ...s, error, loading: false })),
    );
    return () => {
      cancelled = true;
      off();
    };
  }, [api, session, attempt]);

  const setMe = useCallback((me: WhoAmI) => setState({ me, error: null, loading: false }), []);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, setMe, retry };
}
