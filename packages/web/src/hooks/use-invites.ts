import { useCallback, useEffect, useState } from 'react';
import type { Invitation } from '@sealroom/protocol';
import { useApi } from '../api/api-context.ts';

/** Pending invitations: listed on every (re)connection, replaced wholesale by each `invites` push. */
export function useInvites(session: number) {
  const api = useApi();
  const [invites, setInvites] = useState<Invitation[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let cancelled = false;
    // A push seen before the list answers is newer than the listing: the listing must not overwrite it.
    let pushed = false;
    const off = api.on('invites', ({ invites: list }) => {
      pushed = true;
      setInvites(list);
      setError(null);
    });
    api.call('invites.list', {}).then(
      ({ invites: list }) => {
        if (cancelled || pushed) return;
        setInvites(list);
        setError(null);
      },
      (e: unknown) => !cancelled && setError(e),
    );
    return () => {
      cancelled = true;
      off();
    };
  }, [api, session, tick]);

  const refresh = useCallback(() => setTick((n) => n + 1), []);
  /** Drop one invitation locally once accepted or declined (the push confirms it shortly after). */
  const remove = useCallback((roomId: string) => setInvites((l) => l.filter((i) => i.roomId !== roomId)), []);
  return { invites, error, refresh, remove };
}
