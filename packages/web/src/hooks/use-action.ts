import { useCallback, useState } from 'react';

export type ActionResult<T> = { ok: true; value: T } | { ok: false };

/** Pending flag and last error of one user action (a form submit, a button). */
export function useAction() {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async <T>(fn: () => Promise<T>): Promise<ActionResult<T>> => {
    setPending(true);
    setError(null);
    try {
      return { ok: true, value: await fn() };
    } catch (e) {
      setError(e);
      return { ok: false };
    } finally {
      setPending(false);
    }
  }, []);
  const clearError = useCallback(() => setError(null), []);
  return { run, pending, error, clearError };
}
