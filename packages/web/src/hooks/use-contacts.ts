import { useCallback, useEffect, useState } from 'react';
import type { Contact } from '@sealroom/protocol';
import { useApi } from '../api/api-context.ts';
import { contactMap, upsertContact } from '../lib/trust.ts';

/** Known contacts by handle, kept live by `contact` pushes. */
export function useContacts(session: number) {
  const api = useApi();
  const [contacts, setContacts] = useState<ReadonlyMap<string, Contact>>(new Map());
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let cancelled = false;
    const pushed = new Map<string, Contact>();
    const off = api.on('contact', (c) => {
      pushed.set(c.handle, c);
      setContacts((m) => upsertContact(m, c));
    });
    api.call('contacts.list', {}).then(
      ({ contacts: list }) => {
        if (cancelled) return;
        // Pushes that arrived while listing are newer than the listing.
        let next = contactMap(list);
        for (const c of pushed.values()) next = upsertContact(next, c);
        setContacts(next);
        setError(null);
      },
      (e: unknown) => !cancelled && setError(e),
    );
    return () => {
      cancelled = true;
      off();
    };
  }, [api, session]);

  const note = useCallback((c: Contact) => setContacts((m) => upsertContact(m, c)), []);
  return { contacts, error, note };
}
