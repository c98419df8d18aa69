import { useEffect, useState } from 'react';
import type { SafetyNumber } from '@sealroom/protocol';
import { useApi } from '../api/api-context.ts';
import { asHandle } from '../lib/ids.ts';

/**
 * The safety number with one contact. `version` changes (a `contact` push, an accepted key) reload it: a
 * number shown after the key changed must be the new one.
 */
export function useSafetyNumber(handle: string, version: string, session: number) {
  const api = useApi();
  const [state, setState] = useState<{ handle: string; safety: SafetyNumber | null; error: unknown }>({
    handle,
    safety: null,
    error: null,
  });

  useEffect(() => {
    let cancelled = false;
    setState((s) => (s.handle === handle ? { ...s, error: null } : { handle, safety: null, error: null }));
    Promise.resolve()
      .then(() => api.call('contacts.safety-number', { handle: asHandle(handle) }))
      .then(
        ({ safety }) => !cancelled && setState({ handle, safety, error: null }),
        (error: unknown) => !cancelled && setState((s) => ({ ...s, handle, error })),
      );
    return () => {
      cancelled = true;
    };
  }, [api, handle, version, session]);

  const current = state.handle === handle;
  return { safety: current ? state.safety : null, error: current ? state.error : null };
}
