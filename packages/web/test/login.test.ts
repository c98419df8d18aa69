import { describe, expect, it } from 'vitest';
import { exchangeLoginCode, LOGIN_ENDPOINT, parseLoginCode, takeLoginCode, type PageKeyStore, type Post } from '../src/lib/login.ts';

const CODE = 'AbCdEfGhIjKlMnOpQrStUv';
const PAGE_KEY = 'k'.repeat(43);

function keys(): PageKeyStore & { kept: string[] } {
  const kept: string[] = [];
  return { kept, get: () => kept.at(-1) ?? null, set: (k) => void kept.push(k) };
}

function env(pathname: string, hash: string) {
  const replaced: string[] = [];
  return {
    replaced,
    env: {
      location: { hash, pathname },
      history: { state: null, replaceState: (_s: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)) },
    },
  };
}

describe('login link', () => {
  it('parses #code= and rejects junk', () => {
    expect(parseLoginCode(`#code=${CODE}`)).toBe(CODE);
    expect(parseLoginCode('#code=')).toBeNull();
    expect(parseLoginCode('#code=short')).toBeNull();
    expect(parseLoginCode('#code=<script>alert(1)</script>xxxxxxxx')).toBeNull();
    expect(parseLoginCode(`#token=${'a'.repeat(64)}`)).toBeNull(); // the old link shape is not a login
  });

  it('on /login takes the code and replaces the link by / in the address bar and history before anything else', () => {
    const e = env('/login', `#code=${CODE}`);
    expect(takeLoginCode(e.env)).toBe(CODE);
    expect(e.replaced).toEqual(['/']);
  });

  it('a malformed link is scrubbed too; any other page is left alone', () => {
    const bad = env('/login', '#code=<x>');
    expect(takeLoginCode(bad.env)).toBeNull();
    expect(bad.replaced).toEqual(['/']);
    const other = env('/', `#code=${CODE}`);
    expect(takeLoginCode(other.env)).toBeNull();
    expect(other.replaced).toEqual([]);
  });

  it('posts {code} as JSON to the login endpoint; 200 {ok:true, pageKey} is success and the page key is kept', async () => {
    const posts: [string, string][] = [];
    const post: Post = (path, body) => {
      posts.push([path, body]);
      return Promise.resolve({ status: 200, json: { ok: true, pageKey: PAGE_KEY } });
    };
    const k = keys();
    expect(await exchangeLoginCode(CODE, post, k)).toBeNull();
    expect(posts).toEqual([[LOGIN_ENDPOINT, JSON.stringify({ code: CODE })]]);
    expect(k.kept).toEqual([PAGE_KEY]);
  });

  it('a success without a well-formed page key is a failure, and nothing is kept', async () => {
    for (const pageKey of [undefined, 'short', `${PAGE_KEY}x`, 42]) {
      const k = keys();
      const post: Post = () => Promise.resolve({ status: 200, json: { ok: true, pageKey } });
      expect(await exchangeLoginCode(CODE, post, k)).toMatchObject({ code: 'HTTP 200' });
      expect(k.kept).toEqual([]);
    }
  });

  it("passes on the proxy's typed refusal, and names an unreachable proxy", async () => {
    const refused: Post = () => Promise.resolve({ status: 403, json: { ok: false, code: 'ERR_PROXY_LOGIN_CODE_USED', message: 'already used' } });
    expect(await exchangeLoginCode(CODE, refused, keys())).toEqual({ code: 'ERR_PROXY_LOGIN_CODE_USED', message: 'already used' });
    const odd: Post = () => Promise.resolve({ status: 200, json: { ok: 'yes' } });
    expect(await exchangeLoginCode(CODE, odd, keys())).toMatchObject({ code: 'HTTP 200' });
    const down: Post = () => Promise.reject(new Error('fetch failed'));
    expect(await exchangeLoginCode(CODE, down, keys())).toMatchObject({ code: 'unreachable' });
  });
});
