import { createContext, useContext } from 'react';
import type { Contact } from '@sealroom/protocol';

/** What every name-showing component needs: the contacts' trust states and a way to the verification screen. */
export type Trust = {
  contacts: ReadonlyMap<string, Contact>;
  openVerify: (handle: string) => void;
  /** Record a contact an ack returned (the push may come later, or not at all). */
  noteContact: (c: Contact) => void;
};

const none: Trust = { contacts: new Map(), openVerify: () => undefined, noteContact: () => undefined };

export const TrustContext = createContext<Trust>(none);

export function useTrust(): Trust {
  return useContext(TrustContext);
}
