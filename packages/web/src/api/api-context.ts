import { createContext, useContext } from 'react';
import type { LocalApiClient } from './local-api-client.ts';

export const ApiContext = createContext<LocalApiClient | null>(null);

export function useApi(): LocalApiClient {
  const api = useContext(ApiContext);
  if (api === null) throw new Error('useApi outside <ApiContext>');
  return api;
}
