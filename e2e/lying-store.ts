import { SqliteRelayStore, type RelayStore } from '@sealroom/server';

/**
 * A relay store that runs the real SQLite code except where a test overrides a method: how the tests make
 * the relay lie. `overrides` receives the real store and returns replacement methods by name.
 */
export function lyingStore<O extends Partial<Record<keyof RelayStore, (...args: never[]) => unknown>>>(
  path: string,
  overrides: (inner: SqliteRelayStore) => O,
): { store: RelayStore; inner: SqliteRelayStore } {
  const inner = new SqliteRelayStore(path);
  const o = overrides(inner) as Record<string | symbol, unknown>;
  const store = new Proxy(inner, {
    get(t, p) {
      if (p in o) return o[p];
      const v = Reflect.get(t, p) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  }) as unknown as RelayStore;
  return { store, inner };
}

/**
 * A relay that lets an impostor take over a handle (what a compromised relay could do): once `impostor`
 * names a handle, a login for it with any other key is accepted and the relay answers that key from then
 * on. An honest relay binds a handle to its first key, so this is how a test makes a known contact's key change.
 */
export function impostorStore(path: string) {
  const knobs = { impostor: null as string | null, impostorKey: null as string | null };
  const { store, inner } = lyingStore(path, (t) => ({
    bindAccount: async (handle: string, key: string) => {
      const real = t.bindAccount(handle as never, key);
      if (real !== 'taken' || handle !== knobs.impostor) return real;
      knobs.impostorKey = key;
      return 'matched' as const;
    },
    accountKeys: async (handles: string[]) => {
      const keys = t.accountKeys(handles as never);
      return handles.map((h, i) => (h === knobs.impostor && knobs.impostorKey !== null ? knobs.impostorKey : (keys[i] ?? null)));
    },
  }));
  return { store, knobs, inner };
}
