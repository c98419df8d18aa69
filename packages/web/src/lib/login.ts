/** Where the login page posts its one-time code (packages/proxy/src/login-endpoint.ts). */
export const LOGIN_ENDPOINT = '/api/session';

const CODE_RE = /^[A-Za-z0-9_-]{16,64}$/;
const PAGE_KEY_RE = /^[A-Za-z0-9_-]{43}$/;
/**
 * Where the session's page key lives. The HttpOnly cookie reaches every server on 127.0.0.1 whatever its
 * port; localStorage is per origin (port included), so a page of another port cannot read this key, and the
 * proxy wants both (packages/proxy/src/browser-sessions.ts).
 */
export const PAGE_KEY_STORAGE = 'sealroom.page-key';

/** The one-time code in a login link's fragment (`#code=…`); null when absent or malformed. */
export function parseLoginCode(hash: string): string | null {
  const code = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash).get('code');
  return code !== null && CODE_RE.test(code) ? code : null;
}

export type LoginFailure = { code: string; message: string };

type LoginEnv = {
  location: Pick<Location, 'hash' | 'pathname'>;
  history: Pick<History, 'replaceState' | 'state'>;
};

/**
 * On `/login#code=…`: take the code, and replace the link in the address bar and in history by `/` at once,
 * before the exchange, so that neither a used nor an unused code lingers there (or in a bookmark, or in a
 * screenshot). The code is in the fragment, so it never reached the server's request line either.
 */
export function takeLoginCode(env: LoginEnv): string | null {
  if (env.location.pathname !== '/login') return null;
  const code = parseLoginCode(env.location.hash);
  env.history.replaceState(env.history.state, '', '/');
  return code;
}

export type Post = (path: string, body: string) => Promise<{ status: number; json: unknown }>;

export type PageKeyStore = { get(): string | null; set(key: string): void };

/**
 * Exchange the code for the proxy's HttpOnly session cookie (the browser stores it; no script sees it) and
 * the session's page key (kept in `keys`). Resolves to null on success, else the proxy's typed refusal.
 */
export async function exchangeLoginCode(code: string, post: Post, keys: PageKeyStore): Promise<LoginFailure | null> {
  let res: { status: number; json: unknown };
  try {
    res = await post(LOGIN_ENDPOINT, JSON.stringify({ code }));
  } catch {
    return { code: 'unreachable', message: 'the proxy did not answer the login' };
  }
  const body = res.json as { ok?: unknown; code?: unknown; message?: unknown; pageKey?: unknown } | null;
  if (res.status === 200 && body?.ok === true && typeof body.pageKey === 'string' && PAGE_KEY_RE.test(body.pageKey)) {
    keys.set(body.pageKey);
    return null;
  }
  return {
    code: typeof body?.code === 'string' ? body.code.slice(0, 64) : `HTTP ${res.status}`,
    message: typeof body?.message === 'string' ? body.message.slice(0, 300) : 'the proxy refused the login link',
  };
}

export function browserLoginEnv(): LoginEnv {
  return { location: window.location, history: window.history };
}

export const browserPost: Post = async (path, body) => {
  const r = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body,
    credentials: 'same-origin',
    cache: 'no-store',
  });
  let json: unknown = null;
  try {
    json = await r.json();
  } catch {
    json = null;
  }
  return { status: r.status, json };
};

export const browserPageKeys: PageKeyStore = {
  get() {
    try {
      const k = window.localStorage.getItem(PAGE_KEY_STORAGE);
      return k !== null && PAGE_KEY_RE.test(k) ? k : null;
    } catch {
      return null; // storage disabled: the proxy will answer ERR_PROXY_BAD_SESSION, and the screen says what to do
    }
  },
  set(key) {
    try {
      window.localStorage.setItem(PAGE_KEY_STORAGE, key);
    } catch {
      // Storage disabled: nothing to keep; the next handshake fails with a clear screen.
    }
  },
};
