import { useCallback, useEffect, useState } from 'react';
import type { SecurityEvent } from '@sealroom/protocol';
import { useApi } from '../api/api-context.ts';
import { dismissKey, mergeEvents, parseDismissed, serialiseDismissed } from '../lib/security-events.ts';

/** How many past events to load on (re)connection. */
export const EVENTS_LIMIT = 1000;
export const DISMISSED_STORAGE_KEY = 'sealroom.dismissed-events';

function loadDismissed(): Set<string> {
  try {
    return parseDismissed(window.localStorage.getItem(DISMISSED_STORAGE_KEY));
  } catch {
    return new Set();
  }
}

function storeDismissed(d: ReadonlySet<string>): void {
  try {
    window.localStorage.setItem(DISMISSED_STORAGE_KEY, serialiseDismissed(d));
  } catch {
    // Storage disabled: dismissals last until the tab is reloaded.
  }
}

/**
 * Every security event the proxy recorded, and which ones the user dismissed. Dismissing only hides an event's
 * banner; the Events view always lists all of them.
 */
export function useSecurityEvents(session: number) {
  const api = useApi();
  const [events, setEvents] = useState<readonly SecurityEvent[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(loadDismissed);

  useEffect(() => {
    let cancelled = false;
    const off = api.on('security.event', (e) => setEvents((l) => mergeEvents(l, [e])));
    api.call('events.list', { limit: EVENTS_LIMIT }).then(
      ({ events: listed }) => {
        if (cancelled) return;
        setEvents((l) => mergeEvents(l, listed));
        setError(null);
      },
      (e: unknown) => !cancelled && setError(e),
    );
    return () => {
      cancelled = true;
      off();
    };
  }, [api, session]);

  const dismiss = useCallback((e: SecurityEvent) => {
    setDismissed((d) => {
      const next = new Set(d).add(dismissKey(e));
      storeDismissed(next);
      return next;
    });
  }, []);

  return { events, error, dismissed, dismiss };
}
