import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeyedMutex, type Held } from '../src/keyed-mutex.js';
import { MemoryClientStore, type RoomRecord } from '../src/index.js';
import { RoomSync } from '../src/room-sync.js';
import type { EngineContext } from '../src/engine-context.js';

// issue 6: a room is written only by code that holds its lock — by construction (RoomSync.write takes the
// room's Held token), and this guard keeps every other engine file from calling the store directly.
describe('room writes go through the lock', () => {
  const src = join(import.meta.dirname, '..', 'src');

  it('no engine file but room-sync.ts calls store.writeRoom (the memory store implements it)', () => {
    const offenders = readdirSync(src)
      .filter((f) => f.endsWith('.ts') && f !== 'room-sync.ts' && f !== 'memory-client-store.ts')
      .filter((f) => /\.writeRoom\(/.test(readFileSync(join(src, f), 'utf8')));
    expect(offenders).toEqual([]);
    // The guard would see a call: room-sync.ts has the one it allows.
    expect(readFileSync(join(src, 'room-sync.ts'), 'utf8')).toMatch(/\.writeRoom\(/);
  });

  it("RoomSync.write refuses another room's lock and a lock already released, and writes nothing", async () => {
    const store = new MemoryClientStore();
    const sync = new RoomSync({ store } as unknown as EngineContext, () => {});
    const mutex = new KeyedMutex();
    const room: RoomRecord = { roomId: 'a'.repeat(32), name: 'x', open: false, status: 'active', epoch: 0, lastSeq: 0, group: new Uint8Array(), pendingCommit: null, pendingLeaves: [], removed: [] };
    await mutex.run('b'.repeat(32), async (other) => {
      await expect(sync.write(other, { room: { ...room } })).rejects.toMatchObject({ code: 'ERR_CLIENT_INTERNAL' });
    });
    let kept: Held | null = null;
    await mutex.run(room.roomId, async (held) => {
      kept = held;
    });
    await expect(sync.write(kept!, { room: { ...room } })).rejects.toMatchObject({ code: 'ERR_CLIENT_INTERNAL' });
    expect(await store.getRoom(room.roomId)).toBeNull();
    await mutex.run(room.roomId, (held) => sync.write(held, { room: { ...room } }));
    expect(await store.getRoom(room.roomId)).toMatchObject({ roomId: room.roomId });
  });
});
