/** Where the local API token survives reloads; per-tab, gone when the tab closes. */
export const TOKEN_STORAGE_KEY = 'sealroom.token';

const TOKEN_RE = /^[A-Za-z0-9_-]{1,512}$/;

/** Extract `token` from a location hash such as `#token=ab12`; null when absent or malformed. */
export function parseTokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const token = params.get('token');
  return token !== null && TOKEN_RE.test(token) ? token : null;
}

type TokenEnv = {
  location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  history: Pick<History, 'replaceState' | 'state'>;
  storage: Pick<Storage, 'getItem' | 'setItem'> | null;
};

/**
 * Take the token from the address bar (then scrub it, so it does not linger in history, bookmarks or
 * screenshots) or, after a reload, from sessionStorage.
 */
export function takeToken(env: TokenEnv): string | null {
  const fromHash = env.location.hash === '' ? null : parseTokenFromHash(env.location.hash);
  if (env.location.hash !== '' && new URLSearchParams(env.location.hash.slice(1)).has('token')) {
    env.history.replaceState(env.history.state, '', env.location.pathname + env.location.search);
  }
  if (fromHash !== null) {
    try {
      env.storage?.setItem(TOKEN_STORAGE_KEY, fromHash);
    } catch {
      // Storage disabled: the token still works until the next reload.
    }
    return fromHash;
  }
  try {
    const stored = env.storage?.getItem(TOKEN_STORAGE_KEY) ?? null;
    return stored !== null && TOKEN_RE.test(stored) ? stored : null;
  } catch {
    return null;
  }
}

export function browserTokenEnv(): TokenEnv {
  let storage: Storage | null = null;
  try {
    storage = window.sessionStorage;
  } catch {
    storage = null;
  }
  return { location: window.location, history: window.history, storage };
}
