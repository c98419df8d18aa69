import { describe, expect, it } from 'vitest';
import { parseTokenFromHash, takeToken, TOKEN_STORAGE_KEY } from '../src/lib/token.ts';

function env(hash: string, stored: string | null = null) {
  const store = new Map<string, string>(stored === null ? [] : [[TOKEN_STORAGE_KEY, stored]]);
  const replaced: string[] = [];
  return {
    replaced,
    store,
    env: {
      location: { hash, pathname: '/', search: '' },
      history: { state: null, replaceState: (_s: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)) },
      storage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) },
    },
  };
}

describe('token', () => {
  it('parses #token=hex and rejects junk', () => {
    expect(parseTokenFromHash('#token=abc123')).toBe('abc123');
    expect(parseTokenFromHash('#token=')).toBeNull();
    expect(parseTokenFromHash('#token=<script>')).toBeNull();
    expect(parseTokenFromHash('#other=1')).toBeNull();
  });

  it('takes the token from the hash, scrubs the address bar and remembers it', () => {
    const e = env('#token=deadbeef');
    expect(takeToken(e.env)).toBe('deadbeef');
    expect(e.replaced).toEqual(['/']);
    expect(e.store.get(TOKEN_STORAGE_KEY)).toBe('deadbeef');
  });

  it('falls back to sessionStorage after a reload, and a new hash wins over it', () => {
    expect(takeToken(env('', 'cafe').env)).toBe('cafe');
    expect(takeToken(env('#token=f00d', 'cafe').env)).toBe('f00d');
    expect(takeToken(env('').env)).toBeNull();
  });
});
