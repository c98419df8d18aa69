import { useCallback, useMemo, useState } from 'react';
import { parseDeclined, serialiseDeclined, type Declined } from '../lib/declined-rooms.ts';

export const DECLINED_STORAGE_KEY = 'sealroom.declined-rooms';

function load(): Set<string> {
  try {
    return parseDeclined(window.localStorage.getItem(DECLINED_STORAGE_KEY));
  } catch {
    return new Set();
  }
}

function store(done: ReadonlySet<string>): void {
  try {
    window.localStorage.setItem(DECLINED_STORAGE_KEY, serialiseDeclined(done));
  } catch {
    // Storage disabled: declined rooms show as "left" after a reload.
  }
}

function without(set: ReadonlySet<string>, id: string): ReadonlySet<string> {
  if (!set.has(id)) return set;
  const next = new Set(set);
  next.delete(id);
  return next;
}

/** Which rooms the user declined (see `lib/declined-rooms.ts`), remembered in this browser. */
export function useDeclinedRooms() {
  const [done, setDone] = useState<ReadonlySet<string>>(load);
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set());

  const begin = useCallback((roomId: string) => setPending((p) => new Set(p).add(roomId)), []);
  /** The decline answered: `ok` remembers the room as declined; a failure lists it again as it is. */
  const end = useCallback((roomId: string, ok: boolean) => {
    if (ok)
      setDone((d) => {
        const next = new Set(d).add(roomId);
        store(next);
        return next;
      });
    setPending((p) => without(p, roomId));
  }, []);
  /** An accepted invitation to a room declined before: it is the user's room now. */
  const forget = useCallback((roomId: string) => {
    setDone((d) => {
      const next = without(d, roomId);
      if (next !== d) store(next);
      return next;
    });
  }, []);

  const declined = useMemo<Declined>(() => ({ done, pending }), [done, pending]);
  return { declined, begin, end, forget };
}
